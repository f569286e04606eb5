package com.pandaproxy.rtsp.server;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Listen;
import com.pandaproxy.net.LoginGate;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.RtspCodec;
import com.pandaproxy.rtsp.auth.ServerAuthenticator;
import com.pandaproxy.rtsp.relay.Relay;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-facing RTSP server: one TCP port for plain RTSP and RTSPS (told apart by the first
 * bytes: a TLS ClientHello starts with 0x16, an RTSP request with a letter), plus a UDP port pair
 * for clients that take RTP over UDP. Serves the {@link Relay}'s stream to at most
 * {@code maxClients} sessions.
 */
public final class RtspServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtspServer.class);

    /**
     * How long a client's backlog may grow before it counts as slow (then it loses packets to the
     * next keyframe): a TCP connection's water marks, and a UDP session's ({@link UdpSender}).
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    /**
     * Everything the server needs; {@code sessionTimeout} is 60 s in production. A connection must
     * log in within {@code loginLimit} of connecting, and again after each refused attempt.
     */
    public record Settings(String bindAddress, int port, SslContext ssl, ServerAuthenticator auth,
                           AuthThrottle throttle, Duration loginLimit, int maxClients, Duration sessionTimeout,
                           Duration describeWait) {
    }

    private final Settings settings;
    private final EventLoopGroup group;
    private final Relay relay;
    private final StatusBoard status;
    private final LoginGate gate;
    private final AtomicInteger sessions = new AtomicInteger();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel server;
    private UdpTransport udp;

    public RtspServer(Settings settings, EventLoopGroup group, Relay relay, StatusBoard status) {
        this.settings = settings;
        this.group = group;
        this.relay = relay;
        this.status = status;
        this.gate = new LoginGate("RTSP", settings.throttle(), settings.loginLimit());
    }

    public void start() throws java.io.IOException, InterruptedException {
        // on the relay's loop, like the client connections: UDP sessions write without a hand-off
        udp = UdpTransport.bind(relay.loop(), settings.bindAddress());
        // clients live on the relay's loop: packets go out without a cross-thread hand-off
        // (one core serves hundreds of clients at 4 Mbit/s, see BENCHMARKS.md)
        ServerBootstrap b = Listen.server(group, relay.loop(), WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        LoginGate.Login login = gate.newLogin();
                        ch.pipeline().addLast("gate", login).addLast("tls-detect", new OptionalSslHandler(settings.ssl()));
                        RtspCodec.install(ch.pipeline());
                        ch.pipeline().addLast("rtsp", new RtspConnection(RtspServer.this, ch, login));
                    }
                });
        try {
            server = Listen.bind(b, settings.bindAddress(), settings.port(), "--rtsp-port");
        } catch (java.io.IOException | RuntimeException e) {
            udp.close();
            throw e;
        }
        LOG.info("RTSP/RTSPS server on {}:{} (TLS, {}; RTP over UDP on ports {}-{})", settings.bindAddress(), port(),
                settings.ssl() instanceof ReferenceCountedOpenSslContext ? SslProvider.OPENSSL : SslProvider.JDK,
                udp.rtpPort(), udp.rtcpPort());
    }

    /** The bound TCP port. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    Settings settings() {
        return settings;
    }

    Relay relay() {
        return relay;
    }

    StatusBoard status() {
        return status;
    }

    UdpTransport udp() {
        return udp;
    }

    /** Reserves a session slot; false when {@code maxClients} are already set up. */
    boolean reserveSession() {
        while (true) {
            int n = sessions.get();
            if (n >= settings.maxClients()) {
                return false;
            }
            if (sessions.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void releaseSession() {
        sessions.decrementAndGet();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(500);
        }
        channels.close().awaitUninterruptibly(500);
        if (udp != null) {
            udp.close();
        }
    }
}
