package com.pandaproxy.chamber;

import com.pandaproxy.fanout.Fanout;
import com.pandaproxy.net.Errors;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamLifecycle;
import com.pandaproxy.printer.UpstreamLifecycle.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;

/**
 * The chamber-image protocol's part of the one connection to the printer's camera: logs in after
 * TLS, decodes frames and publishes them to the fan-out. Connecting, backoff, the watchdog (no frame
 * for 10 s from the connect on) and reconnecting are its {@link UpstreamLifecycle}'s. Runs on the
 * fan-out's event loop.
 */
final class Upstream implements UpstreamLifecycle.Protocol {
    private final InetSocketAddress printer;
    private final byte[] login;
    private final Fanout<ByteBuf> fanout;
    private final StatusBoard status;

    Upstream(PrinterAddress printer, Fanout<ByteBuf> fanout, StatusBoard status) {
        this.printer = InetSocketAddress.createUnresolved(printer.host(), printer.chamberPort());
        this.login = AuthPacket.encode(Bambu.USER, printer.accessCode().reveal());
        this.fanout = fanout;
        this.status = status;
    }

    @Override
    public InetSocketAddress target() {
        return printer;
    }

    @Override
    public UpstreamLifecycle.Session open(Connection c) {
        return new Session(c);
    }

    /** Goes on with detection's connection (logged in, reading paused): the bytes read so far first. */
    Session adopted(Connection c, ByteBuf received) {
        Session session = new Session(c);
        session.loginSent = true;
        Channel channel = c.channel();
        channel.pipeline().context(SslHandler.class).fireChannelRead(received);
        channel.config().setAutoRead(true);
        return session;
    }

    /** One connection after TLS: the login, then frames cut, counted and published. */
    final class Session extends ChannelInboundHandlerAdapter implements UpstreamLifecycle.Session {
        private final Connection c;
        private boolean loginSent;
        private boolean receivedAny;

        Session(Connection c) {
            this.c = c;
            c.watch(); // TLS, the login and the first frame within the watchdog time, then a frame in each
            c.channel().pipeline()
                    .addLast("received", new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            receivedAny = true; // the printer sent something after the login (a refusal sends nothing)
                            ctx.fireChannelRead(msg);
                        }
                    })
                    .addLast("frames", new FrameDecoder(() -> status.badFrames(1)))
                    .addLast("relay", this);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(login));
                loginSent = true;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            if (c.over()) {
                frame.release();
                return;
            }
            c.alive();
            status.frame(frame.readableBytes() - FrameHeader.LENGTH);
            fanout.publish(frame, true);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable root = cause instanceof ChamberProtocolException || cause.getCause() == null ? cause : cause.getCause();
            c.fail(root instanceof ChamberProtocolException ? "sent a stream that makes no sense (" + root.getMessage() + ")"
                    : "failed: " + Errors.describe(root));
        }

        @Override
        public void leave() {
            c.closeTls(); // the printer closes its side once it has let its viewer go
        }

        @Override
        public String silent() {
            return "sent no frame";
        }

        @Override
        public void closed() {
            if (loginSent && !receivedAny) {
                c.rejected("closed the connection right after the login: is the access code right?");
            }
        }
    }
}
