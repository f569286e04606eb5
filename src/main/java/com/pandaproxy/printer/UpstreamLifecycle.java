package com.pandaproxy.printer;

import com.pandaproxy.net.Backoff;
import com.pandaproxy.net.Errors;
import com.pandaproxy.net.HostPort;
import com.pandaproxy.net.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import com.pandaproxy.tls.PrinterTrust;
import com.pandaproxy.tls.Tls;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS connection to a printer service, kept up from {@link #start} to {@link #close} the same
 * way for every protocol (DEVELOPERS.md, "The upstream lifecycle"): states, backoff, the watchdog,
 * reconnect and close, logged in the same words. A {@link Protocol} supplies only what is its own.
 * Runs on the one event loop given, the protocol's methods too; {@link #start}, {@link #reconnect}
 * and {@link #close} may be called from any thread.
 */
public final class UpstreamLifecycle implements Upstream {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamLifecycle.class);

    /** Where states and errors (never a secret) go: the {@link StatusBoard}. */
    public interface Observer {
        void state(UpstreamState state);

        void error(String error);
    }

    /** A protocol's side: where to connect, and a {@link Session} per connection. */
    public interface Protocol {
        /** Where the next connection goes: an unresolved address, the host without brackets. */
        InetSocketAddress target();

        /** A new connection, TLS in place ("tls"; maybe not connected yet): adds the protocol's handlers. */
        Session open(Connection c);
    }

    /** The protocol on one connection; it reports through its {@link Connection}. */
    public interface Session {
        /** Says goodbye (RTSP's TEARDOWN, {@link Connection#closeTls()}); the printer's close is awaited. */
        void leave();

        /** Nothing alive for the watchdog time: what that means ("sent no frame"), or null after nudging the printer. */
        String silent();

        /** The printer closed the connection, no failure reported: fail or reject it if that means more than that. */
        default void closed() {
        }

        /** The connection is over, however it ended: called once, before the state changes. */
        default void ended() {
        }
    }

    private final String name;
    private final Protocol protocol;
    private final SslContext ssl;
    private final PrinterTrust trust;
    private final UpstreamTimings timings;
    private final EventLoop loop;
    private final Observer observer;
    private final Backoff backoff;

    // confined to the loop
    private boolean started;
    private boolean closed;
    private Connection current; // connecting, streaming, or saying goodbye before a reconnect
    private ScheduledFuture<?> retry;
    private String loggedFailure;

    /** @param name what the log calls the service, e.g. "printer camera" */
    public UpstreamLifecycle(String name, Protocol protocol, Tls tls, UpstreamTimings timings, EventLoop loop,
            Observer observer) {
        this.name = name;
        this.protocol = protocol;
        this.ssl = tls.client();
        this.trust = tls.trust();
        this.timings = timings;
        this.loop = loop;
        this.observer = observer;
        this.backoff = new Backoff(timings.backoffMin().toMillis(), timings.backoffMax().toMillis());
    }

    @Override
    public void start() {
        loop.execute(() -> {
            if (!started && !closed) {
                started = true;
                LOG.info("Connecting to the {} at {}", name, target());
                connect();
            }
        });
    }

    /**
     * Starts with detection's connection (on this loop) if still open: {@code adopt} adds the
     * protocol's handlers and takes the bytes read so far; else closes it and connects.
     */
    public void start(ChamberConnection detected, BiFunction<Connection, ByteBuf, Session> adopt) {
        loop.execute(() -> {
            ByteBuf received = started || closed ? null : detected.take();
            if (received == null) {
                detected.close();
                start();
                return;
            }
            started = true;
            LOG.info("Using the detection's connection to the {} at {}", name, target());
            Connection c = new Connection(detected.channel());
            c.session = adopt.apply(c, received);
            c.connected();
        });
    }

    /** Goodbye, the printer's close awaited (a printer takes very few viewers), then connects at once. */
    @Override
    public void reconnect() {
        loop.execute(() -> {
            if (closed || !started) {
                return;
            }
            LOG.info("Reconnecting to the {}", name);
            backoff.reset();
            cancelRetry();
            observer.state(UpstreamState.CONNECTING);
            Connection old = current;
            if (old == null) {
                connect();
            } else if (!old.onPurpose) { // else already on the way: the new connection follows the close
                old.leave().addListener(f -> connect());
            }
        });
    }

    /** Says goodbye and stops for good; returns once the connection has ended, or after the close wait. */
    @Override
    public void close() {
        if (loop.isShuttingDown()) {
            observer.state(UpstreamState.STOPPED); // nothing left to close on a stopping loop
            return;
        }
        Promise<Void> done = loop.newPromise();
        loop.execute(() -> {
            if (started && !closed) {
                LOG.info("Closing the connection to the {}", name);
            }
            closed = true;
            cancelRetry();
            observer.state(UpstreamState.STOPPED);
            Connection c = current;
            current = null;
            if (c == null) {
                done.trySuccess(null);
            } else {
                c.leave().addListener(f -> done.trySuccess(null));
            }
        });
        if (!loop.inEventLoop()) {
            done.awaitUninterruptibly(timings.closeWait().toMillis());
        }
    }

    private String target() {
        return HostPort.of(protocol.target().getHostString(), protocol.target().getPort());
    }

    private void connect() {
        retry = null;
        if (closed) {
            return;
        }
        if (!trust.mayConnect()) {
            // the printer's certificate changed: no connection until the user decides (PrinterTrust
            // logged why); a reconnect asked for, or the pin file edited, is picked up here
            failed("not connecting: the printer's certificate changed (trust the new one, or see the log)", UpstreamState.BACKING_OFF);
            return;
        }
        Connection c = new Connection(null);
        ChannelFuture connecting = connectTls(loop, ssl, protocol.target(), timings.connect(), timings.handshake(), ch -> {
            c.channel = ch;
            // for every protocol: a refused certificate (PrinterTrust) says so, not just "closed"
            ch.pipeline().get(SslHandler.class).handshakeFuture().addListener(f -> {
                if (!f.isSuccess()) {
                    c.fail("failed the TLS handshake (" + Errors.describe(f.cause()) + ")");
                }
            });
            c.session = protocol.open(c);
        });
        c.channel = connecting.channel();
        // Netty closes a channel whose connect failed before telling this listener: its close
        // counts only once connected, so a refusal is reported as one
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                c.connected();
            } else {
                c.fail("cannot connect: " + Errors.describe(f.cause()));
                c.finish();
            }
        });
    }

    /** A TLS connection to a printer: TLS first in the pipeline ("tls"), then what {@code init} adds. */
    static ChannelFuture connectTls(EventLoopGroup group, SslContext ssl, InetSocketAddress target, Duration connect,
            Duration handshake, Consumer<SocketChannel> init) {
        return new Bootstrap().group(group).channel(Transports.socket(group))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connect.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler tls = ssl.newHandler(ch.alloc(), target.getHostString(), target.getPort());
                        tls.setHandshakeTimeoutMillis(handshake.toMillis());
                        ch.pipeline().addLast("tls", tls);
                        init.accept(ch);
                    }
                })
                .connect(target);
    }

    private void streaming(Connection c) {
        if (c == current) {
            observer.state(UpstreamState.STREAMING);
            backoff.reset();
            loggedFailure = null;
            LOG.info("Streaming from the {}", name);
        }
    }

    private void failed(Connection c) {
        if (c != current || closed) {
            return;
        }
        current = null;
        failed(c.error != null ? c.error : c.streamed ? "closed the connection" : "closed the connection before streaming", c.failure);
    }

    /** Reports a failure, logged once while it stays the same, and connects again after the backoff. */
    private void failed(String error, UpstreamState state) {
        observer.error(error);
        observer.state(state);
        long delay = backoff.nextDelayMillis();
        String failure = state.id() + ": " + error;
        String subject = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        if (!failure.equals(loggedFailure)) {
            loggedFailure = failure;
            LOG.warn("{} {}; trying again with backoff", subject, error);
        } else {
            LOG.debug("{} {}; next attempt in {} ms", subject, error, delay);
        }
        retry = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    /** One connection to the printer, as its session sees it (on the loop). */
    public final class Connection {
        private final Promise<Void> ended = loop.newPromise();
        private final ScheduledFuture<?> watchdog = loop.scheduleAtFixedRate(this::checkSilence, 1, 1, TimeUnit.SECONDS);
        private Channel channel;
        private Session session;
        private boolean watched;
        private long lastAliveNanos;
        private boolean streamed;
        private String error;
        private UpstreamState failure = UpstreamState.BACKING_OFF;
        private boolean onPurpose; // ended by the lifecycle: nothing to report
        private boolean finished;

        private Connection(Channel channel) {
            this.channel = channel;
            observer.state(UpstreamState.CONNECTING);
            current = this;
        }

        public Channel channel() {
            return channel;
        }

        /** From now on, nothing {@linkplain #alive() alive} for the watchdog time ends the connection. */
        public void watch() {
            watched = true;
            lastAliveNanos = System.nanoTime();
        }

        /** A sign of life (a frame, a packet, a report); the first one means streaming. */
        public void alive() {
            lastAliveNanos = System.nanoTime();
            if (!streamed && !over()) {
                streamed = true;
                streaming(this);
            }
        }

        /** Ending or ended (a failure, a goodbye): whatever still arrives on it is to be dropped. */
        public boolean over() {
            return onPurpose || error != null || finished;
        }

        /** Ends the connection with {@code reason} (the first one given wins), then backoff. */
        public void fail(String reason) {
            end(UpstreamState.BACKING_OFF, reason);
        }

        /** The same, the printer having refused the access code. */
        public void rejected(String reason) {
            end(UpstreamState.AUTH_REJECTED, reason);
        }

        /** Ends the connection and connects again at once (redirected: {@link Protocol#target} says where). */
        public void again() {
            if (!over() && this == current) {
                onPurpose = true;
                channel.close();
                finish();
                connect();
            }
        }

        /** The usual goodbye of a TLS protocol: close_notify, then our half of TCP. */
        public void closeTls() {
            channel.pipeline().get(SslHandler.class).closeOutbound()
                    .addListener(f -> ((SocketChannel) channel).shutdownOutput());
        }

        private void end(UpstreamState state, String reason) {
            if (error == null && !finished) {
                error = reason;
                failure = state;
            }
            channel.close();
        }

        private void checkSilence() {
            if (watched && !over() && System.nanoTime() - lastAliveNanos > timings.watchdog().toNanos()) {
                String silence = session.silent();
                if (silence == null) {
                    lastAliveNanos = System.nanoTime();
                } else {
                    fail(silence + " for " + timings.watchdog().toSeconds() + " s");
                }
            }
        }

        private void connected() {
            channel.closeFuture().addListener(f -> {
                if (!over()) {
                    session.closed();
                }
                finish();
            });
        }

        /** On purpose and politely: the session's goodbye, then the close. Completes once ended. */
        private Promise<Void> leave() {
            boolean polite = !over() && channel.isActive();
            onPurpose = true;
            if (polite) {
                session.leave();
                ScheduledFuture<?> deadline = loop.schedule(() -> channel.close(), timings.leave().toMillis(),
                        TimeUnit.MILLISECONDS);
                channel.closeFuture().addListener(f -> deadline.cancel(false));
            } else {
                channel.close();
            }
            return ended;
        }

        /** Once, however it ended: the session is told, and a failure reported and retried. */
        private void finish() {
            if (!finished) {
                finished = true;
                watchdog.cancel(false);
                if (session != null) {
                    session.ended();
                }
                ended.trySuccess(null);
                if (!onPurpose) {
                    failed(this);
                }
            }
        }
    }
}
