package com.pandaproxy.chamber;

import com.pandaproxy.app.Config;
import com.pandaproxy.app.Secret;
import com.pandaproxy.fanout.Fanout;
import com.pandaproxy.net.Backoff;
import com.pandaproxy.printer.ChamberConnection;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection to the printer's camera: connects at start, logs in, decodes frames and
 * publishes them to the fan-out. Lost or silent connections are made again with backoff;
 * clients never notice more than a pause. Everything runs on one event loop (the fan-out's).
 */
final class Upstream {
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    /** A commanded reconnect waits this long at most for the printer to close the old connection. */
    static final long LEAVE_MILLIS = 500;

    private final String host;
    private final int port;
    private final Secret accessCode;
    private final SslContext ssl;
    private final EventLoop loop;
    private final Fanout<ByteBuf> fanout;
    private final StatusBoard status;
    private final ChamberTimings timings;
    private final Backoff backoff;

    // confined to the loop
    private Attempt current;
    private Attempt leaving; // the connection a reconnect is closing, until it has closed
    private ScheduledFuture<?> retry;
    private boolean closed;
    private String lastLoggedFailure;
    private long badFrames;

    Upstream(Config config, SslContext ssl, EventLoop loop, Fanout<ByteBuf> fanout, StatusBoard status, ChamberTimings timings) {
        this.host = config.printerIp();
        this.port = config.printerChamberPort();
        this.accessCode = config.accessCode();
        this.ssl = ssl;
        this.loop = loop;
        this.fanout = fanout;
        this.status = status;
        this.timings = timings;
        this.backoff = new Backoff(timings.backoffMin().toMillis(), timings.backoffMax().toMillis());
    }

    /** Starts with {@code adopted} (the detection's connection, on this loop) if given and still open, else connects. */
    void start(ChamberConnection adopted) {
        loop.execute(() -> {
            ByteBuf received = adopted == null || closed ? null : adopted.take();
            if (received != null) {
                LOG.info("Using the detection's connection to the printer camera at {}:{}", host, port);
                adopt(adopted.channel(), received);
            } else {
                if (adopted != null) {
                    adopted.close();
                }
                LOG.info("Connecting to the printer camera at {}:{}", host, port);
                connect();
            }
        });
    }

    /**
     * Drops the connection and connects again without backoff. The printer takes one viewer at a
     * time, so the new connection waits until the printer has closed the old one (or
     * {@value #LEAVE_MILLIS} ms): connecting earlier would be refused and fall into backoff.
     */
    void reconnect() {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            LOG.info("Reconnecting to the printer camera");
            backoff.reset();
            if (leaving != null) {
                return; // already on the way: the new connection follows the close
            }
            cancelRetry();
            Attempt old = current;
            current = null;
            status.state(UpstreamState.CONNECTING);
            if (old == null) {
                connect();
                return;
            }
            leaving = old;
            old.leave();
            old.channel.closeFuture().addListener(f -> {
                if (leaving == old) {
                    leaving = null;
                    connect(); // unless a close came first
                }
            });
        });
    }

    /** Stops for good; returns once the connection is closed (or after half a second). */
    void close() {
        if (loop.isShuttingDown()) {
            return; // the event loops are already stopping: nothing left to close on them
        }
        loop.submit(() -> {
            closed = true;
            drop();
            status.state(UpstreamState.STOPPED);
        }).awaitUninterruptibly(500);
    }

    /** A frame was dropped because it was not a JPEG image: counted here and on the status. */
    private void badFrame() {
        badFrames++;
        status.badFrames(1);
    }

    /** Frames dropped because they were not JPEG images, over all connections. */
    long badFrames() {
        if (loop.inEventLoop()) {
            return badFrames;
        }
        return loop.submit(this::badFrames).syncUninterruptibly().getNow();
    }

    private void drop() {
        cancelRetry();
        Attempt old = current;
        current = null;
        if (old != null) {
            old.end();
        }
        Attempt gone = leaving;
        leaving = null;
        if (gone != null) {
            gone.channel.close();
        }
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    private void connect() {
        retry = null;
        if (closed) {
            return;
        }
        Attempt attempt = begin();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timings.connect().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler tls = ssl.newHandler(ch.alloc(), host, port);
                        tls.setHandshakeTimeoutMillis(timings.watchdog().toMillis());
                        ch.pipeline().addLast("tls", tls);
                        attempt.addHandlers(ch.pipeline());
                    }
                });
        ChannelFuture connected = bootstrap.connect(host, port);
        attempt.track(connected.channel());
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                attempt.fail("cannot connect: " + describe(f.cause()));
            }
        });
    }

    /** A new attempt, the current one from now on. */
    private Attempt begin() {
        status.state(UpstreamState.CONNECTING);
        Attempt attempt = new Attempt();
        current = attempt;
        return attempt;
    }

    /**
     * Continues on a connection that is already logged in (TLS handler in place, reading paused):
     * adds this proxy's handlers after TLS, feeds them the bytes already read, resumes reading.
     */
    private void adopt(Channel channel, ByteBuf received) {
        Attempt attempt = begin();
        attempt.loginSent = true;
        attempt.addHandlers(channel.pipeline());
        attempt.track(channel);
        channel.pipeline().context(SslHandler.class).fireChannelRead(received);
        channel.config().setAutoRead(true);
    }

    private void streaming() {
        status.state(UpstreamState.STREAMING);
        backoff.reset();
        lastLoggedFailure = null;
        LOG.info("Streaming from the printer camera");
    }

    /** After a connection ended on its own: wait, then connect again. */
    private void failed(UpstreamState state, String error) {
        status.error(error);
        status.state(state);
        long delay = backoff.nextDelayMillis();
        String failure = state.id() + ": " + error;
        if (!failure.equals(lastLoggedFailure)) {
            LOG.warn("Printer camera {}; trying again with backoff", error);
            lastLoggedFailure = failure;
        } else {
            LOG.debug("Printer camera {}; next attempt in {} ms", error, delay);
        }
        retry = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private static String describe(Throwable cause) {
        if (cause instanceof NotSslRecordException) {
            return "the printer did not answer with TLS";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** One connection attempt: its channel, decoder and what was seen on it. */
    private final class Attempt {
        final FrameDecoder decoder = new FrameDecoder(Upstream.this::badFrame);
        final long startedNanos = System.nanoTime();
        Channel channel;
        ScheduledFuture<?> watchdog;
        long lastFrameNanos;
        boolean loginSent;
        boolean receivedAny;
        boolean streaming;
        String error;
        boolean over;

        /** This attempt's connection: it ends when the channel closes, and is watched for frames till then. */
        void track(Channel ch) {
            channel = ch;
            ch.closeFuture().addListener(f -> ended());
            watchdog = loop.scheduleAtFixedRate(this::watch, 1, 1, TimeUnit.SECONDS);
        }

        /** The handlers after TLS: note any bytes, cut frames, publish them. */
        void addHandlers(ChannelPipeline pipeline) {
            pipeline.addLast("received", new ByteWatch())
                    .addLast("frames", decoder)
                    .addLast("relay", new Relay());
        }

        /** The error that ends this attempt (the first one wins). */
        void fail(String message) {
            if (error == null) {
                error = message;
            }
            channel.close();
        }

        void watch() {
            long since = Math.max(startedNanos, lastFrameNanos);
            if (System.nanoTime() - since > timings.watchdog().toNanos()) {
                fail("sent no frame for " + timings.watchdog().toSeconds() + " s");
            }
        }

        /** Ended by us (close): no backoff, no failure reported. */
        void end() {
            over = true;
            watchdog.cancel(false);
            channel.close();
        }

        /**
         * Ended by us, politely: TLS close_notify and our half of TCP closed, then the channel
         * closes when the printer closes its half, which shows it has let the viewer go.
         */
        void leave() {
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (!channel.isActive() || tls == null) {
                end(); // not connected yet: nothing to be polite to
                return;
            }
            over = true;
            watchdog.cancel(false);
            tls.closeOutbound().addListener(f -> ((SocketChannel) channel).shutdownOutput());
            ScheduledFuture<?> deadline = loop.schedule(() -> channel.close(), LEAVE_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> deadline.cancel(false));
        }

        /** The channel closed: unless we ended it, report and retry. */
        void ended() {
            if (over) {
                return;
            }
            over = true;
            watchdog.cancel(false);
            current = null;
            if (closed) {
                return;
            }
            if (loginSent && !receivedAny && error == null) {
                failed(UpstreamState.AUTH_REJECTED, "closed the connection right after the login: is the access code right?");
            } else {
                failed(UpstreamState.BACKING_OFF, error != null ? error
                        : streaming ? "closed the connection" : "closed the connection before sending a frame");
            }
        }

        /** Notes that the printer sent something after the login (a refusal sends nothing). */
        final class ByteWatch extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                receivedAny = true;
                ctx.fireChannelRead(msg);
            }
        }

        final class Relay extends ChannelInboundHandlerAdapter {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                    byte[] login = AuthPacket.encode(Config.USERNAME, accessCode.reveal());
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(login));
                    loginSent = true;
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf frame = (ByteBuf) msg;
                if (over) {
                    frame.release();
                    return;
                }
                lastFrameNanos = System.nanoTime();
                if (!streaming) {
                    streaming = true;
                    streaming();
                }
                status.frame(frame.readableBytes() - FrameHeader.LENGTH);
                fanout.publish(frame, true);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                Throwable root = cause instanceof ChamberProtocolException || cause.getCause() == null ? cause : cause.getCause();
                fail(root instanceof ChamberProtocolException ? "sent a stream that makes no sense (" + root.getMessage() + ")"
                        : describe(root));
            }
        }
    }
}
