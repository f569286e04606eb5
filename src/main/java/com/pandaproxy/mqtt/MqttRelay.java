package com.pandaproxy.mqtt;

import com.pandaproxy.net.AuthThrottle;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The printer's MQTT, relayed: a TLS server on the relay port (the proxy's certificate, user
 * {@code bblp} and the printer's access code) in front of one connection to the printer's broker.
 * The server, its clients and the printer connection share one event loop ({@link Hub}).
 */
public final class MqttRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttRelay.class);
    /** Per-client backlog: a client whose unsent reports pass HIGH is disconnected (it cannot keep up). */
    static final int BACKLOG_LOW = 128 * 1024;
    static final int BACKLOG_HIGH = 256 * 1024;
    /** Largest packet a client may send: a command of {@link MqttRelaySettings#MAX_COMMAND_BYTES} and its topic. */
    static final int MAX_PACKET_BYTES = MqttRelaySettings.MAX_COMMAND_BYTES + 1024;

    /** What others see of the relay. */
    public record Status(boolean printerConnected, int clients) {
    }

    private final MqttRelaySettings settings;
    private final SslContext serverTls;
    private final AuthThrottle throttle;
    private final Hub hub;
    private final Upstream upstream;
    private final Consumer<Status> listener;
    private volatile Status status = new Status(false, 0);
    private Channel server;

    /**
     * @param loop      the event loop of the server, its clients and the printer connection
     * @param serverTls the proxy's TLS server context
     * @param clientTls the TLS client context every printer connection uses
     * @param throttle  the login throttle shared with the camera servers
     * @param listener  told (on the loop, must not block) when the printer comes or goes or the client count changes
     */
    public MqttRelay(MqttRelaySettings settings, EventLoop loop, SslContext serverTls, SslContext clientTls, AuthThrottle throttle,
            Consumer<Status> listener) {
        this.settings = settings;
        this.serverTls = serverTls;
        this.throttle = throttle;
        this.listener = listener;
        this.hub = new Hub(loop, settings.serial(), settings.maxClients(), settings.cameraPort(), settings.timings().pushall().toNanos(),
                System::nanoTime, this::changed);
        this.upstream = new Upstream(settings, clientTls, hub);
    }

    /** Binds the relay port (a port that cannot be bound is thrown here) and starts connecting to the printer. */
    public void start() {
        byte[] code = ClientSession.codeBytes(settings.accessCode());
        long loginMillis = settings.timings().login().toMillis();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(hub.loop(), hub.loop())
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(BACKLOG_LOW, BACKLOG_HIGH))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetAddress address = ch.remoteAddress().getAddress();
                        SslHandler tls = serverTls.newHandler(ch.alloc());
                        tls.setHandshakeTimeoutMillis(loginMillis);
                        ch.pipeline().addLast("tls", tls)
                                .addLast("decoder", new MqttDecoder(MAX_PACKET_BYTES))
                                .addLast("encoder", MqttEncoder.INSTANCE)
                                .addLast("session", new ClientSession(hub, code, throttle, address, loginMillis));
                    }
                });
        server = bootstrap.bind(settings.bindAddress(), settings.port()).syncUninterruptibly().channel();
        LOG.info("MQTT relay listening on {}:{} (TLS), printer MQTT at {}:{}", settings.bindAddress(), port(),
                settings.printerHost(), settings.printerPort());
        upstream.start();
    }

    /** The port clients connect to (the bound one, useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public Status status() {
        return status;
    }

    /** Drops the printer connection and connects again. Clients stay. */
    public void reconnect() {
        upstream.reconnect();
    }

    private void changed() {
        Status now = new Status(hub.printerUp(), hub.clients());
        if (!now.equals(status)) {
            status = now;
            listener.accept(now);
        }
    }

    /** Stops accepting, closes the clients, says goodbye to the printer. */
    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(300);
        }
        if (!hub.loop().isShuttingDown()) {
            hub.loop().submit(hub::closeAll).awaitUninterruptibly(300);
        }
        upstream.close();
    }
}
