package com.pandaproxy.mqtt;

import com.pandaproxy.net.Listen;
import com.pandaproxy.net.LoginGate;
import com.pandaproxy.net.HostPort;
import com.pandaproxy.printer.PrinterStatus.RelayStatus;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.UpstreamLifecycle;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.printer.UpstreamTimings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The printer's MQTT, relayed: a TLS server on the relay port (the proxy's certificate, user
 * {@code bblp} and the printer's access code) in front of one connection to the printer's broker,
 * kept by an {@link UpstreamLifecycle}. The server, its clients and the printer connection share
 * one event loop ({@link Hub}). Reports its state and clients to the status board.
 */
public final class MqttRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttRelay.class);
    /** Per-client backlog: a client whose unsent reports pass HIGH is disconnected (it cannot keep up). */
    static final int BACKLOG_LOW = 128 * 1024;
    static final int BACKLOG_HIGH = 256 * 1024;
    /** Largest packet a client may send: a command of {@link MqttRelaySettings#MAX_COMMAND_BYTES} and its topic. */
    static final int MAX_PACKET_BYTES = MqttRelaySettings.MAX_COMMAND_BYTES + 1024;

    private final ProxyContext context;
    private final MqttRelaySettings settings;
    private final EventLoop loop;
    private final Hub hub;
    private final UpstreamLifecycle upstream;
    private UpstreamState upstreamState = UpstreamState.CONNECTING; // on the loop
    private volatile RelayStatus status = RelayStatus.STARTING;
    private Channel server;

    /** @param timings the printer connection's ({@link UpstreamTimings#MQTT}) */
    public MqttRelay(ProxyContext context, MqttRelaySettings settings, UpstreamTimings timings) {
        this.context = context;
        this.settings = settings;
        this.loop = context.group().next();
        this.hub = new Hub(loop, settings.serial(), settings.maxClients(), settings.cameraPort(), settings.pushall().toNanos(),
                System::nanoTime, this::changed);
        Upstream protocol = new Upstream(context.printer().host(), settings.printerPort(), context.printer().accessCode(), hub);
        this.upstream = new UpstreamLifecycle("printer MQTT", protocol, context.tls(), timings, loop,
                new UpstreamLifecycle.Observer() {
                    @Override
                    public void state(UpstreamState state) {
                        upstreamState = state;
                        changed();
                    }

                    @Override
                    public void error(String error) {
                        // logged by the lifecycle; the status board's error is the camera's
                    }
                });
        context.status().relay(status);
    }

    /** Starts connecting to the printer and binds the relay port (a port that cannot be bound is thrown here). */
    public void start() throws IOException {
        upstream.start();
        byte[] code = ClientSession.codeBytes(context.printer().accessCode().reveal());
        LoginGate gate = new LoginGate("MQTT", context.authThrottle(), settings.login());
        SslContext serverTls = context.tls().server();
        ServerBootstrap bootstrap = Listen.server(loop, loop, new WriteBufferWaterMark(BACKLOG_LOW, BACKLOG_HIGH))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LoginGate.Login login = gate.newLogin();
                        SslHandler tls = serverTls.newHandler(ch.alloc());
                        tls.setHandshakeTimeoutMillis(0); // the gate's time limit covers the handshake
                        ch.pipeline().addLast("login", login)
                                .addLast("tls", tls)
                                .addLast("decoder", new MqttDecoder(MAX_PACKET_BYTES))
                                .addLast("encoder", MqttEncoder.INSTANCE)
                                .addLast("session", new ClientSession(hub, code, login));
                    }
                });
        server = Listen.bind(bootstrap, settings.bindAddress(), settings.port(), "--mqtt-relay-port");
        LOG.info("MQTT relay listening on {} (TLS, {}), printer MQTT at {}", HostPort.of(settings.bindAddress(), port()),
                context.tls().provider(), HostPort.of(context.printer().host(), settings.printerPort()));
    }

    /** The port clients connect to (the bound one, useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The printer connection's state and the clients, as last reported to the status board. */
    public RelayStatus status() {
        return status;
    }

    /** Drops the printer connection and connects again at once. Clients stay. */
    public void reconnect() {
        upstream.reconnect();
    }

    private void changed() {
        RelayStatus now = new RelayStatus(upstreamState, hub.clients());
        if (!now.equals(status)) {
            status = now;
            context.status().relay(now);
        }
    }

    /** Stops accepting, closes the clients, says goodbye to the printer. */
    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(300);
        }
        if (!loop.isShuttingDown()) {
            loop.submit(hub::closeAll).awaitUninterruptibly(300);
        }
        upstream.close();
    }
}
