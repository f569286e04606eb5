package com.pandaproxy.printer;

import com.pandaproxy.net.Errors;
import com.pandaproxy.tls.PrinterTrust;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
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

    private PortProbe() {
    }

    /**
     * @param keeper if not null, a connection found to speak the protocol is not closed but
     *               handed to it (paused, before the result completes); else it is closed
     */
    static CompletableFuture<ProbeResult> run(EventLoopGroup group, SslContext ssl, PrinterAddress printer, Probe probe,
            Duration timeout, Consumer<ChamberConnection> keeper) {
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        String host = printer.host();
        int port = probe.port().applyAsInt(printer);
        int millis = (int) Math.max(1, timeout.toMillis());
        Duration limit = Duration.ofMillis(millis);
        ChannelFuture connect;
        try {
            connect = UpstreamLifecycle.connectTls(group, ssl, InetSocketAddress.createUnresolved(host, port), limit, limit,
                    ch -> ch.pipeline().addLast(new Conversation(result, probe.request().apply(printer), probe, keeper != null)));
        } catch (RuntimeException e) {
            result.complete(ProbeResult.unreachable(Errors.describe(e)));
            return result;
        }
        Channel ch = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.complete(ProbeResult.unreachable(Errors.describe(f.cause())));
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

    /** A refused certificate (--printer-trust) is told apart from other handshake failures. */
    private static ProbeResult handshakeFailed(Throwable cause) {
        String refusal = PrinterTrust.refusal(cause);
        return refusal != null ? ProbeResult.untrusted(refusal) : ProbeResult.mismatch("TLS handshake failed (" + Errors.describe(cause) + ")");
    }

    /** The handler after TLS: sends the request once the handshake is done, then judges the answer. */
    private static final class Conversation extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<ProbeResult> result;
        private final byte[] request;
        private final Probe probe;
        private final boolean keep;
        private ByteBuf answer = Unpooled.buffer(256);
        private boolean handshaken;
        private boolean judged;
        private ChannelHandlerContext ctx;

        Conversation(CompletableFuture<ProbeResult> result, byte[] request, Probe probe, boolean keep) {
            this.result = result;
            this.request = request;
            this.probe = probe;
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
                    result.complete(handshakeFailed(done.cause()));
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
            ProbeResult verdict = probe.judge().apply(answer.duplicate());
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
                result.complete(probe.silentClose());
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
                result.complete(probe.silentClose());
            } else {
                result.complete(handshaken ? ProbeResult.mismatch(Errors.describe(cause)) : handshakeFailed(cause));
            }
            ctx.close();
        }
    }
}
