package com.pandaproxy.testutil;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection to a printer port through a client TLS context, as the proxy makes them: TCP
 * connect, TLS handshake, and only once that succeeded, {@code login} sent; then closed.
 *
 * @param handshakeNanos connect → handshake done (or failed)
 * @param failure        null when the handshake succeeded, else why not
 */
public record TlsLogin(long handshakeNanos, Throwable failure) {

    public static TlsLogin run(EventLoopGroup group, SslContext client, int port, byte[] login) throws Exception {
        CompletableFuture<TlsLogin> outcome = new CompletableFuture<>();
        long start = System.nanoTime();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(client.newHandler(c.alloc(), "127.0.0.1", port), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent done) {
                                    TlsLogin result = new TlsLogin(System.nanoTime() - start, done.cause());
                                    if (done.isSuccess() && login.length > 0) {
                                        ctx.writeAndFlush(Unpooled.wrappedBuffer(login)).addListener(f -> outcome.complete(result));
                                    } else {
                                        outcome.complete(result);
                                    }
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                }).connect("127.0.0.1", port).sync().channel();
        try {
            return outcome.get(10, TimeUnit.SECONDS);
        } finally {
            ch.close().sync();
        }
    }
}
