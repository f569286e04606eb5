package com.pandaproxy.rtsp;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.CameraProxy;
import com.pandaproxy.printer.H264Keyframe;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.Upstream;
import com.pandaproxy.rtsp.auth.ServerAuthenticator;
import com.pandaproxy.rtsp.relay.Relay;
import com.pandaproxy.rtsp.server.RtspServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Optional;

/**
 * The RTSP relay of one printer: the RTSP/RTSPS server on {@code --rtsp-port}, one upstream to
 * the printer's RTSPS stream, and the relay between them. The upstream's channels, the relay and
 * the client connections share one event loop, so every packet is handled on one thread from
 * read to the clients' sockets, without locks or hand-offs.
 */
public final class RtspProxy implements CameraProxy {
    /** RFC 2326's default; clients send keepalives or RTCP well within it. */
    public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(60);
    /** How long DESCRIBE/SETUP wait for an upstream that is still connecting before answering 503. */
    public static final Duration DESCRIBE_WAIT = Duration.ofSeconds(5);
    /** How long a client has to log in after connecting (or after a refused attempt). */
    public static final Duration LOGIN_LIMIT = Duration.ofSeconds(10);
    static final String REALM = "PandaProxy";

    /** Where clients connect and how many are served. */
    public record Settings(String bindAddress, int port, int maxClients) {
    }

    private final Relay relay;
    private final RtspServer server;
    private final Upstream upstream;

    /** Makes the upstream: its channels use {@code loop}, and it calls {@code listener} only there. */
    @FunctionalInterface
    public interface UpstreamFactory {
        Upstream create(ProxyContext context, EventLoop loop, UpstreamListener listener);
    }

    public RtspProxy(ProxyContext context, Settings settings) {
        this(context, settings, RtspUpstream::create, SESSION_TIMEOUT, DESCRIBE_WAIT);
    }

    /** For tests: another upstream (e.g. a double feeding packets), shorter timeouts. */
    public RtspProxy(ProxyContext context, Settings settings, UpstreamFactory upstreams, Duration sessionTimeout,
            Duration describeWait) {
        EventLoop loop = context.group().next();
        // the channels' allocator: one buffer pool for packets and sockets (a second pool costs ~3 MB RSS)
        this.relay = new Relay(loop, ByteBufAllocator.DEFAULT, context.status());
        ServerAuthenticator auth = new ServerAuthenticator(REALM, Bambu.USER, context.printer().accessCode().reveal());
        this.server = new RtspServer(new RtspServer.Settings(settings.bindAddress(), settings.port(), context.tls().server(),
                auth, context.authThrottle(), LOGIN_LIMIT, settings.maxClients(), sessionTimeout, describeWait),
                context.group(), relay, context.status());
        this.upstream = upstreams.create(context, loop, relay);
    }

    @Override
    public void start() throws Exception {
        server.start();
        upstream.start();
    }

    /** The bound client-facing port (useful when configured as 0). */
    public int port() {
        return server.port();
    }

    public Relay relay() {
        return relay;
    }

    /** The latest whole keyframe; waits for the relay's loop, so not to be called on it. */
    @Override
    public Optional<H264Keyframe> latestKeyframe() {
        return Optional.ofNullable(relay.latestKeyframe().syncUninterruptibly().getNow());
    }

    @Override
    public void reconnect() {
        upstream.reconnect();
    }

    @Override
    public void close() {
        upstream.close();
        server.close();
        relay.close();
    }
}
