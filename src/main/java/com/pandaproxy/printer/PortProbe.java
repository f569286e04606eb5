package com.pandaproxy.printer;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One short TLS conversation with a printer port: connect, handshake, send a request, judge the
 * first bytes of the answer, hang up. Everything is bounded: one deadline for the whole probe and
 * at most {@link #MAX_ANSWER} bytes looked at.
 */
final class PortProbe {
    static final int MAX_ANSWER = 4096;

    /** Judges the answer received so far: a result, or null to wait for more bytes. */
    interface Judge {
        ProbeResult judge(ByteBuf answer);
    }

    private PortProbe() {
    }

    /**
     * @param onSilentClose the result when the peer completes TLS, takes the request, and hangs up
     *                      without a byte (for the chamber port: the access code was rejected)
     * @param keeper        if not null, a connection found to speak the protocol is not closed but
     *                      handed to it (paused, before the result completes); else it is closed
     */
    static CompletableFuture<ProbeResult> run(EventLoopGroup group, SslContext ssl, String host, int port,
            byte[] request, Judge judge, ProbeResult onSilentClose, Duration timeout, Consumer<ChamberConnection> keeper) {
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        int millis = (int) Math.max(1, timeout.toMillis());
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler tls = ssl.newHandler(ch.alloc(), host, port);
                        tls.setHandshakeTimeoutMillis(millis);
                        ch.pipeline().addLast(tls, new Conversation(result, request, judge, onSilentClose, keeper != null));
                    }
                });
        ChannelFuture connect;
        try {
            connect = b.connect(host, port);
        } catch (RuntimeException e) {
            result.complete(ProbeResult.unreachable(describe(e)));
            return result;
        }
        Channel ch = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.complete(ProbeResult.unreachable(describe(f.cause())));
            }
        });
        var deadline = group.next().schedule(() -> result.complete(timedOut(ch, millis)), millis, TimeUnit.MILLISECONDS);
        // hand the result on only once this connection is gone: a printer's camera takes one viewer,
        // and the proxy opened next must not find the probe still holding it
        CompletableFuture<ProbeResult> done = new CompletableFuture<>();
        result.whenComplete((r, e) -> {
            deadline.cancel(false);
            Conversation talk = ch.pipeline().get(Conversation.class);
            if (keeper != null && r != null && r.found() && talk != null && ch.isActive()) {
                keeper.accept(new ChamberConnection(ch, talk::detach));
                done.complete(r);
            } else {
                ch.close().addListener(f -> done.complete(r));
            }
        });
        return done;
    }

    private static ProbeResult timedOut(Channel ch, int millis) {
        if (!ch.isActive()) {
            return ProbeResult.unreachable("connection timed out");
        }
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        if (tls != null && !tls.handshakeFuture().isDone()) {
            return ProbeResult.mismatch("TLS handshake timed out");
        }
        return ProbeResult.mismatch("no answer within " + millis / 1000.0 + " s");
    }

    static String describe(Throwable e) {
        if (e instanceof ConnectException && e.getMessage() != null && e.getMessage().contains("refused")) {
            return "connection refused";
        }
        if (e instanceof io.netty.channel.ConnectTimeoutException) {
            return "connection timed out";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** The handler after TLS: sends the request once the handshake is done, then judges the answer. */
    private static final class Conversation extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<ProbeResult> result;
        private final byte[] request;
        private final Judge judge;
        private final ProbeResult onSilentClose;
        private final boolean keep;
        private ByteBuf answer = Unpooled.buffer(256);
        private boolean handshaken;
        private boolean judged;
        private ChannelHandlerContext ctx;

        Conversation(CompletableFuture<ProbeResult> result, byte[] request, Judge judge, ProbeResult onSilentClose, boolean keep) {
            this.result = result;
            this.request = request;
            this.judge = judge;
            this.onSilentClose = onSilentClose;
            this.keep = keep;
        }

        /** Leaves the pipeline and hands over what was read (see {@link ChamberConnection#take}). */
        ByteBuf detach() {
            ByteBuf read = answer;
            answer = null;
            ctx.pipeline().remove(this);
            return read;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                if (done.isSuccess()) {
                    handshaken = true;
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
                } else {
                    result.complete(ProbeResult.mismatch("TLS handshake failed (" + describe(done.cause()) + ")"));
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                // after the verdict, a kept connection's bytes are the stream its adopter reads
                // (reading is paused, so at most what was already decrypted arrives)
                answer.writeBytes((ByteBuf) msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
            if (judged) {
                return;
            }
            ProbeResult verdict = judge.judge(answer.duplicate());
            if (verdict == null && answer.readableBytes() >= MAX_ANSWER) {
                verdict = ProbeResult.mismatch("unexpected answer");
            }
            if (verdict != null) {
                judged = true;
                if (keep && verdict.found()) {
                    ctx.channel().config().setAutoRead(false);
                }
                result.complete(verdict);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!handshaken) {
                result.complete(ProbeResult.mismatch("closed the connection during the TLS handshake"));
            } else if (answer.writerIndex() == 0) {
                result.complete(onSilentClose);
            } else {
                result.complete(ProbeResult.mismatch("closed the connection after a partial answer"));
            }
            if (answer != null) {
                answer.release();
                answer = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // handshake failures also arrive as the completion event; the first result wins.
            // A reset right after the request counts as hanging up without a byte.
            if (handshaken && answer.writerIndex() == 0 && cause instanceof java.io.IOException) {
                result.complete(onSilentClose);
            } else {
                result.complete(ProbeResult.mismatch((handshaken ? "" : "TLS: ") + describe(cause)));
            }
            ctx.close();
        }
    }
}
