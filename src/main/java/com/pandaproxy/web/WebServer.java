package com.pandaproxy.web;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Listen;
import com.pandaproxy.net.LogGate;
import com.pandaproxy.net.LoginGate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: the page, the MJPEG stream, snapshots, status, reconnect and health, on the
 * proxy's event loops. Everything it serves comes from the jar and from the {@link Camera}.
 * Requests are small and bounded (line, headers, body), must arrive whole within
 * {@link WebSettings#requestTimeout()}, and connections are capped.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    static final int MAX_LINE = 2048;
    static final int MAX_HEADERS = 8192;
    static final int MAX_BODY = 1024;
    /** Connections beyond the MJPEG viewers: page loads, snapshots, status polls. */
    static final int SPARE_CONNECTIONS = 64;
    /** Per-connection backlog: an MJPEG viewer above HIGH skips pictures until it drains below LOW. */
    static final int BACKLOG_LOW = 256 * 1024;
    static final int BACKLOG_HIGH = 512 * 1024;
    private static final Duration QUIET = Duration.ofSeconds(10);

    private final WebSettings settings;
    private final EventLoopGroup group;
    private final Camera camera;
    private final AuthThrottle throttle;
    private final Snapshots snapshots;
    private final Page page;
    private final ChannelGroup channels = new DefaultChannelGroup("web", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger viewers = new AtomicInteger();
    private final LogGate notes = new LogGate(QUIET);
    private Channel server;

    public WebServer(WebSettings settings, EventLoopGroup group, Camera camera, AuthThrottle throttle) {
        this.settings = settings;
        this.group = group;
        this.camera = camera;
        this.throttle = throttle;
        this.snapshots = new Snapshots(camera, group.next());
        this.page = Page.load();
    }

    /** Binds the port; a port that cannot be bound is thrown here. */
    public void start() throws java.io.IOException {
        // bounds the connections of one address that have not shown the code yet, and holds wrong codes back
        // (a second longer than the request timeout, whose own line covers an idle connection)
        LoginGate gate = new LoginGate("HTTP", throttle, settings.requestTimeout().plusSeconds(1));
        ServerBootstrap bootstrap = Listen.server(group, group, new WriteBufferWaterMark(BACKLOG_LOW, BACKLOG_HIGH))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        LoginGate.Login login = gate.newLogin();
                        ch.pipeline()
                                .addLast("login", login)
                                .addLast("http", new HttpServerCodec(MAX_LINE, MAX_HEADERS, 8192))
                                .addLast("aggregate", new HttpObjectAggregator(MAX_BODY))
                                .addLast("web", new WebHandler(WebServer.this, login));
                    }
                });
        server = Listen.bind(bootstrap, settings.bindAddress(), settings.port(), "--http-port");
        LOG.info("Web page, MJPEG and snapshots on http://{}:{}/ (user {}; /healthz open){}", settings.bindAddress(), port(),
                settings.auth().user(), settings.ingressProxies().isEmpty() ? "" : ", Home Assistant ingress accepted");
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The latest picture as a JPEG, for others too (the MQTT camera entity). */
    public Snapshots snapshots() {
        return snapshots;
    }

    WebSettings settings() {
        return settings;
    }

    Camera camera() {
        return camera;
    }

    Page page() {
        return page;
    }

    /**
     * A connection has shown the code (or came through ingress): it takes one of the places for
     * logged-in connections, if one is free (until it closes). Connections that have not are
     * bounded by the login gate, per address, so that one host cannot take every place.
     */
    boolean connectionLoggedIn(Channel channel) {
        int max = settings.maxViewers() + SPARE_CONNECTIONS;
        if (connections.incrementAndGet() > max) {
            connections.decrementAndGet();
            note("HTTP: " + max + " logged-in connections open, refusing more");
            return false;
        }
        channel.closeFuture().addListener(f -> connections.decrementAndGet());
        return true;
    }

    /** Takes an MJPEG viewer's place, if one is free. */
    boolean viewerJoins() {
        if (viewers.incrementAndGet() > settings.maxViewers()) {
            viewers.decrementAndGet();
            return false;
        }
        return true;
    }

    void viewerLeft() {
        viewers.decrementAndGet();
    }

    int viewers() {
        return viewers.get();
    }

    /** Logs bad input at most once per ten seconds (at info; the rest at debug): a flood cannot flood the log. */
    void note(String message) {
        if (notes.due()) {
            LOG.info(message);
        } else {
            LOG.debug(message);
        }
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(300);
        }
        channels.close().awaitUninterruptibly(300);
        snapshots.close();
    }
}
