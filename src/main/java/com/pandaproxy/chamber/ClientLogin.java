package com.pandaproxy.chamber;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.fanout.Fanout;
import com.pandaproxy.net.LoginGate;
import com.pandaproxy.printer.StatusBoard;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new client's login: after TLS it must send the 80-byte packet (within the port's
 * {@link LoginGate} time limit); user and code are checked (the code in constant time). Anything
 * wrong closes the connection without a byte sent, like a printer; a wrong code may first be held
 * back by the gate's throttle, a right one never is. A client that passes takes one of the
 * --max-clients slots (see {@link Admission}), joins the fan-out and from then on its input is ignored.
 */
final class ClientLogin extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientLogin.class);

    private final byte[] expectedCode;
    private final LoginGate.Login login;
    private final Fanout<ByteBuf> fanout;
    private final StatusBoard status;
    private final Admission admission;
    private final byte[] packet = new byte[AuthPacket.LENGTH];
    private int received;
    private boolean decided;
    private boolean reported;

    ClientLogin(byte[] expectedCode, LoginGate.Login login, Fanout<ByteBuf> fanout, StatusBoard status, Admission admission) {
        this.expectedCode = expectedCode;
        this.login = login;
        this.fanout = fanout;
        this.status = status;
        this.admission = admission;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (decided || !(msg instanceof ByteBuf in)) {
                return;
            }
            int n = Math.min(in.readableBytes(), packet.length - received);
            in.readBytes(packet, received, n);
            received += n;
            if (received < packet.length) {
                return;
            }
            decided = true;
            ctx.channel().config().setAutoRead(false);
            String refusal = check();
            if (refusal == null) {
                login.passed();
                join(ctx);
            } else {
                login.failed(() -> refuse(ctx, refusal));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Why the login packet is refused, or null for the right user and code. */
    private String check() {
        try {
            return AuthPacket.decode(packet).accepts(Bambu.USER, expectedCode) ? null : "wrong user name or access code";
        } catch (ChamberProtocolException e) {
            return e.getMessage();
        }
    }

    private void join(ChannelHandlerContext ctx) {
        if (!admission.join()) {
            refuse(ctx, "logged in, but --max-clients clients are already connected");
            return;
        }
        ClientSink sink = new ClientSink(ctx.channel());
        StatusBoard.Client listed = status.clientConnected("chamber", ctx.channel().remoteAddress());
        ctx.pipeline().addBefore("tls", "header-hold", sink.hold());
        ctx.pipeline().replace(this, "session", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                ReferenceCountUtil.release(msg); // clients have nothing more to say
            }

            @Override
            public void channelInactive(ChannelHandlerContext c) {
                admission.leave();
                fanout.remove(sink);
                status.clientDisconnected(listed);
                LOG.info("Chamber client {} left ({} frames skipped)", c.channel().remoteAddress(), sink.dropped());
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                LOG.debug("Chamber client {}: {}", c.channel().remoteAddress(), cause.toString());
                c.close();
            }
        });
        ctx.channel().config().setAutoRead(true);
        LOG.info("Chamber client {} joined", ctx.channel().remoteAddress());
        fanout.add(sink);
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        if (!reported) {
            reported = true;
            LOG.info("Chamber client {} refused: {}", ctx.channel().remoteAddress(), reason);
        }
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause.getCause() != null && !(cause instanceof NotSslRecordException) ? cause.getCause() : cause;
        String reason = root instanceof NotSslRecordException ? "not TLS" : "TLS failed: " + root.getMessage();
        refuse(ctx, reason);
    }
}
