package com.pandaproxy.chamber;

import com.pandaproxy.fanout.Fanout;
import com.pandaproxy.net.HostPort;
import com.pandaproxy.net.Listen;
import com.pandaproxy.net.LoginGate;
import com.pandaproxy.printer.CameraProxy;
import com.pandaproxy.printer.ChamberConnection;
import com.pandaproxy.printer.PictureViewer;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.UpstreamLifecycle;
import com.pandaproxy.printer.UpstreamTimings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chamber-image proxy: a TLS server speaking the printer's protocol on --chamber-port,
 * fed by one upstream connection to the printer, opened at start and kept.
 */
public final class ChamberProxy implements CameraProxy {
    private static final Logger LOG = LoggerFactory.getLogger(ChamberProxy.class);
    /** Per-client backlog: a client above HIGH loses whole frames until it drains below LOW. */
    static final int BACKLOG_LOW = 256 * 1024;
    static final int BACKLOG_HIGH = 512 * 1024;
    /** A client's time to finish TLS and send its 80-byte login. */
    public static final Duration LOGIN_LIMIT = Duration.ofSeconds(10);
    /** A joining client gets the last frame at once only if it is at most this old. */
    static final Duration JOIN_MAX_AGE = Duration.ofSeconds(3);

    /** Where clients connect, how many are served, and each one's time for TLS and its login ({@link #LOGIN_LIMIT}). */
    public record Settings(String bindAddress, int port, int maxClients, Duration login) {
    }

    private final ProxyContext context;
    private final Settings settings;
    private final Fanout<ByteBuf> fanout;
    private final LatestFrame latest;
    private final Upstream upstream;
    private final UpstreamLifecycle lifecycle;
    private final ChamberConnection connection;
    private final ChannelGroup clients = new DefaultChannelGroup("chamber-clients", GlobalEventExecutor.INSTANCE);
    private final Admission admission;
    private final LoginGate gate;
    private final Map<PictureViewer, ViewerSink> viewers = new ConcurrentHashMap<>();
    private volatile String lastRefusal;
    private Channel server;

    /**
     * @param timings    the upstream's ({@link UpstreamTimings#CHAMBER})
     * @param connection the detection probe's live connection to the printer, adopted as the
     *                   first upstream connection (its event loop becomes the proxy's), or null
     */
    public ChamberProxy(ProxyContext context, Settings settings, UpstreamTimings timings, ChamberConnection connection) {
        this.context = context;
        this.settings = settings;
        this.connection = connection;
        EventLoop loop = connection != null ? connection.loop() : context.group().next();
        this.latest = new LatestFrame(JOIN_MAX_AGE.toNanos(), System::nanoTime);
        this.fanout = new Fanout<>(loop, latest);
        this.admission = new Admission(settings.maxClients());
        this.gate = new LoginGate("Chamber", context.authThrottle(), settings.login());
        this.upstream = new Upstream(context.printer(), fanout, context.status());
        this.lifecycle = new UpstreamLifecycle("printer camera", upstream, context.tls(), timings, loop,
                context.status());
    }

    @Override
    public void start() throws Exception {
        byte[] expectedCode = AuthPacket.field(context.printer().accessCode().reveal());
        // the printer first: its next frame is on the way while the certificate is still being read
        if (connection == null) {
            lifecycle.start();
        } else {
            lifecycle.start(connection, upstream::adopted);
        }
        SslContext serverTls = context.tls().server();
        ServerBootstrap bootstrap = Listen.server(context.group(), context.group(), new WriteBufferWaterMark(BACKLOG_LOW, BACKLOG_HIGH))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        String refusal = admission.refusal();
                        if (refusal != null) {
                            refused(refusal);
                            ch.close();
                            return;
                        }
                        lastRefusal = null;
                        clients.add(ch);
                        SslHandler tls = serverTls.newHandler(ch.alloc());
                        tls.setHandshakeTimeoutMillis(0); // the login gate's time limit covers TLS
                        // each write encrypted as it is: a JPEG is one wrap into one buffer (its 16 KB
                        // records made in one go), not a wrap, a buffer and a promise per 16 KB
                        tls.setWrapDataSize(0);
                        LoginGate.Login login = gate.newLogin();
                        ch.pipeline().addLast("gate", login).addLast("tls", tls)
                                .addLast("login", new ClientLogin(expectedCode, login, fanout, context.status(), admission));
                    }
                });
        server = Listen.bind(bootstrap, settings.bindAddress(), settings.port(), "--chamber-port");
        LOG.info("Chamber-image proxy listening on {} (TLS, {}), printer camera at {}", HostPort.of(settings.bindAddress(),
                port()), context.tls().provider(), HostPort.of(context.printer().host(), context.printer().chamberPort()));
    }

    /** The port clients connect to (the bound one, useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections now: authenticated clients, logins in progress and connections waiting to log in. */
    public int connections() {
        return admission.clients() + gate.pending() + gate.waiting();
    }

    /** Logs a refused connection once, until a connection is let in again. */
    private void refused(String reason) {
        if (!reason.equals(lastRefusal)) {
            lastRefusal = reason;
            LOG.warn("Chamber clients: {}; refusing more", reason);
        }
    }

    /** Frames from the printer dropped because they were not JPEG images. */
    public long badFrames() {
        return context.status().snapshot().badFrames();
    }

    @Override
    public void reconnect() {
        lifecycle.reconnect();
    }

    @Override
    public Optional<byte[]> latestJpeg() {
        if (fanout.executor().inEventLoop()) {
            return Optional.ofNullable(latest.jpeg());
        }
        return Optional.ofNullable(fanout.executor().submit(latest::jpeg).syncUninterruptibly().getNow());
    }

    @Override
    public void watch(PictureViewer viewer) {
        ViewerSink sink = new ViewerSink(viewer);
        if (viewers.putIfAbsent(viewer, sink) == null) {
            fanout.add(sink);
        }
    }

    @Override
    public void unwatch(PictureViewer viewer) {
        ViewerSink sink = viewers.remove(viewer);
        if (sink != null) {
            fanout.remove(sink);
        }
    }

    @Override
    public void close() {
        viewers.values().forEach(fanout::remove);
        viewers.clear();
        if (server != null) {
            server.close().awaitUninterruptibly(300);
        }
        clients.close().awaitUninterruptibly(300);
        lifecycle.close();
        if (connection != null) {
            connection.close(); // in case start() failed before the upstream adopted it
        }
        fanout.clearCache();
    }
}
