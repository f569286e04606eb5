package com.pandaproxy.chamber;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.fanout.Fanout;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.printer.StatusBoard;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new client's login: it must finish TLS and send the 80-byte packet within the time limit;
 * user and code are checked (the code in constant time). Anything wrong closes the connection
 * without a byte sent, like a printer. Addresses with repeated failures wait before their
 * verdict. A client that passes takes one of the --max-clients slots (see {@link Admission}),
 * joins the fan-out and from then on its input is ignored.
 */
final class ClientLogin extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientLogin.class);

    private final byte[] expectedCode;
    private final AuthThrottle throttle;
    private final Fanout<ByteBuf> fanout;
    private final StatusBoard status;
    private final long timeoutMillis;
    private final Admission admission;
    private final InetAddress address;
    private final byte[] packet = new byte[AuthPacket.LENGTH];
    private int received;
    private boolean decided;
    private boolean reported;
    private boolean loggingIn = true;
    private ScheduledFuture<?> timeout;

    /** For a connection from {@code address} whose login {@code admission} has already counted. */
    ClientLogin(byte[] expectedCode, AuthThrottle throttle, Fanout<ByteBuf> fanout, StatusBoard status, long timeoutMillis,
            Admission admission, InetAddress address) {
        this.expectedCode = expectedCode;
        this.throttle = throttle;
        this.fanout = fanout;
        this.status = status;
        this.timeoutMillis = timeoutMillis;
        this.admission = admission;
        this.address = address;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // the close future fires however the connection ends, even if it never became active
        ctx.channel().closeFuture().addListener(f -> loginOver());
    }

    /** The login no longer counts as pending: decided, or the connection is gone. */
    private void loginOver() {
        if (loggingIn) {
            loggingIn = false;
            admission.endLogin(address);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> refuse(ctx, "no login within " + timeoutMillis + " ms"),
                timeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
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
            long delay = throttle.delayMillis(address);
            if (delay > 0) {
                ctx.executor().schedule(() -> verdict(ctx), delay, TimeUnit.MILLISECONDS);
            } else {
                verdict(ctx);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void verdict(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        loginOver();
        AuthPacket login;
        try {
            login = AuthPacket.decode(packet);
        } catch (ChamberProtocolException e) {
            throttle.failed(address);
            refuse(ctx, e.getMessage());
            return;
        }
        if (!login.accepts(Bambu.USER, expectedCode)) {
            throttle.failed(address);
            refuse(ctx, "wrong user name or access code");
            return;
        }
        throttle.succeeded(address);
        timeout.cancel(false);
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
        String reason = root instanceof NotSslRecordException ? "not TLS"
                : root instanceof SslHandshakeTimeoutException ? "TLS not finished in time"
                : "TLS failed: " + root.getMessage();
        refuse(ctx, reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.fireChannelInactive();
    }
}
