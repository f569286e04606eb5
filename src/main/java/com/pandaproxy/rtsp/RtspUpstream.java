package com.pandaproxy.rtsp;

import com.pandaproxy.app.Config;
import com.pandaproxy.net.Backoff;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one RTSPS connection to the printer's camera ({@code rtsps://<printer>:<port>/streaming/live/1}),
 * kept up from {@link #start} to {@link #close}: connects with TLS (the printer's self-signed
 * certificate accepted, {@code ProxyContext.tls().client()}), plays every track over
 * TCP-interleaved channels ({@link UpstreamSession}), and after any failure connects again with
 * backoff (1 s doubling to 30 s, with jitter). A watchdog drops a session that sends no RTP for
 * {@value #WATCHDOG_MILLIS} ms. States go to the status board and are logged once per change,
 * errors once until a different one happens. Everything runs on the one event loop given.
 */
public final class RtspUpstream implements Upstream {
    private static final Logger LOG = LoggerFactory.getLogger(RtspUpstream.class);
    public static final String PATH = "/streaming/live/1";
    static final long WATCHDOG_MILLIS = 10_000;
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final long MIN_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 30_000;
    /** A reconnect or close waits this long at most for the printer to answer TEARDOWN and close. */
    static final long LEAVE_MILLIS = 500;

    private final ProxyContext context;
    private final EventLoop loop;
    private final UpstreamListener listener;
    private final StatusBoard status;
    private final Backoff backoff = new Backoff(MIN_BACKOFF_MILLIS, MAX_BACKOFF_MILLIS);
    private final String printerUrl;

    // confined to the loop
    private boolean started;
    private boolean closed;
    private UpstreamSession session;
    private String nextUrl;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> watchdog;
    private long lastRtpNanos;
    private boolean streaming;
    private UpstreamState loggedState;
    private String loggedError;
    private Promise<Void> closing;

    public RtspUpstream(ProxyContext context, EventLoop loop, UpstreamListener listener) {
        this(context, loop, listener, null);
    }

    /** With {@code url} instead of the configured printer's (tests: an rtsp:// URL the printer redirects). */
    RtspUpstream(ProxyContext context, EventLoop loop, UpstreamListener listener, String url) {
        this.context = context;
        this.loop = loop;
        this.listener = listener;
        this.status = context.status();
        Config c = context.config();
        String host = c.printerIp().contains(":") && !c.printerIp().startsWith("[") ? "[" + c.printerIp() + "]" : c.printerIp();
        this.printerUrl = url != null ? url : "rtsps://" + host + ":" + c.printerRtspPort() + PATH;
        this.nextUrl = printerUrl;
    }

    @Override
    public void start() {
        loop.execute(() -> {
            if (!started && !closed) {
                started = true;
                connect(printerUrl, 0);
            }
        });
    }

    @Override
    public void reconnect() {
        loop.execute(() -> {
            if (closed || !started) {
                return;
            }
            LOG.info("Printer camera: reconnecting now");
            cancelRetry();
            backoff.reset();
            UpstreamSession s = session;
            if (s == null) {
                connect(nextUrl, 0);
                return;
            }
            // the printer takes one viewer: TEARDOWN and close first, connect once closed (sessionEnded)
            report(UpstreamState.CONNECTING, null);
            s.leave(UpstreamSession.End.reconnect(), LEAVE_MILLIS);
        });
    }

    @Override
    public void close() {
        if (loop.isShuttingDown()) {
            status.state(UpstreamState.STOPPED);
            return;
        }
        Promise<Void> done = loop.newPromise();
        loop.execute(() -> {
            closed = true;
            cancelRetry();
            stopWatchdog();
            report(UpstreamState.STOPPED, null);
            UpstreamSession s = session;
            if (s == null) {
                done.trySuccess(null);
                return;
            }
            closing = done;
            s.leave(UpstreamSession.End.closed(), LEAVE_MILLIS);
        });
        if (!loop.inEventLoop()) {
            done.awaitUninterruptibly(1000);
        }
    }

    private void connect(String url, int redirects) {
        if (closed) {
            return;
        }
        URI uri = URI.create(url);
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? 322 : uri.getPort();
        report(UpstreamState.CONNECTING, null);
        Config c = context.config();
        UpstreamSession s = new UpstreamSession(this, listener, url, redirects, Config.USERNAME, c.accessCode().reveal());
        session = s;
        streaming = false;
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler tls = context.tls().client().newHandler(ch.alloc(), stripBrackets(host), port);
                        tls.setHandshakeTimeoutMillis(CONNECT_TIMEOUT_MILLIS);
                        ch.pipeline().addLast("tls", tls);
                        RtspCodec.install(ch.pipeline());
                        ch.pipeline().addLast("upstream", s);
                    }
                });
        b.connect(stripBrackets(host), port).addListener(done -> {
            if (!done.isSuccess()) {
                s.end(UpstreamSession.End.failed("cannot connect to the printer at " + host + ":" + port
                        + ": " + UpstreamSession.describe(done.cause())));
            }
        });
    }

    /** The first RTP packet of a session: streaming. Every packet feeds the watchdog (the relay counts frames). */
    void rtpReceived() {
        lastRtpNanos = System.nanoTime();
        if (!streaming) {
            streaming = true;
            backoff.reset();
            report(UpstreamState.STREAMING, null);
        }
    }

    /** PLAY was accepted: from now on, no RTP for a while means a hung session. */
    void playing() {
        lastRtpNanos = System.nanoTime();
        stopWatchdog();
        watchdog = loop.scheduleAtFixedRate(this::checkWatchdog, 1, 1, TimeUnit.SECONDS);
    }

    private void checkWatchdog() {
        UpstreamSession s = session;
        if (s != null && s.playing() && System.nanoTime() - lastRtpNanos > TimeUnit.MILLISECONDS.toNanos(WATCHDOG_MILLIS)) {
            s.end(UpstreamSession.End.failed("no video from the printer for " + WATCHDOG_MILLIS / 1000 + " s"));
        }
    }

    /** Called once per session, on the loop, however it ended. */
    void sessionEnded(UpstreamSession s, UpstreamSession.End why) {
        if (s != session) {
            return;
        }
        session = null;
        stopWatchdog();
        if (s.described()) {
            listener.disconnected();
        }
        if (closed) {
            if (closing != null) {
                closing.trySuccess(null); // close() returns once the relay has been told
            }
            return;
        }
        if (why.kind() == UpstreamSession.End.Kind.REDIRECT) {
            connect(why.redirect(), why.redirects());
            return;
        }
        if (why.kind() == UpstreamSession.End.Kind.RECONNECT) {
            connect(nextUrl, 0);
            return;
        }
        // a same-server redirect (rtsp:// → rtsps://) is remembered for the next attempts
        nextUrl = s.url();
        long delay = backoff.nextDelayMillis();
        report(why.kind() == UpstreamSession.End.Kind.AUTH_REJECTED ? UpstreamState.AUTH_REJECTED : UpstreamState.BACKING_OFF, why.reason());
        retry = loop.schedule(() -> {
            retry = null;
            connect(nextUrl, 0);
        }, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Every state goes to the status board; the log gets one line per real change: the first
     * attempt, each different failure (a printer that stays away is one line, not one per
     * retry), streaming, stopped.
     */
    private void report(UpstreamState state, String error) {
        if (error != null) {
            status.error(error);
        }
        status.state(state);
        String printer = context.config().printerIp();
        switch (state) {
            case BACKING_OFF, AUTH_REJECTED -> {
                if (!error.equals(loggedError)) {
                    loggedError = error;
                    LOG.warn("Printer camera {}: {}; retrying with backoff", printer, error);
                }
                loggedState = state;
            }
            case CONNECTING -> {
                boolean retrying = loggedState == UpstreamState.BACKING_OFF || loggedState == UpstreamState.AUTH_REJECTED;
                if (!retrying && loggedState != state) {
                    loggedState = state;
                    LOG.info("Printer camera {}: connecting", printer);
                }
            }
            default -> {
                if (loggedState != state) {
                    loggedState = state;
                    loggedError = null;
                    LOG.info("Printer camera {}: {}", printer, state.id());
                }
            }
        }
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    private void stopWatchdog() {
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
