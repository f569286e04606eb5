package com.pandaproxy.testutil;

import com.pandaproxy.tls.ServerCertificate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Something answering with TLS at a printer's port, with a certificate chosen by the test (the
 * printer's, or an impostor's), that records every byte it receives after the TLS handshake and
 * answers nothing. What a proxy that refuses its certificate must never have sent it: the access code.
 */
public final class RecordingPrinter implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final Channel server;

    /** Listens on loopback at {@code port} (0: a free one) with {@code identity}, through {@code provider}'s TLS engine. */
    public RecordingPrinter(ServerCertificate identity, SslProvider provider, int port) throws Exception {
        SslContext ssl = SslContextBuilder.forServer(identity.key(), identity.chain().toArray(new X509Certificate[0]))
                .sslProvider(provider).build();
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.closeFuture().addListener(f -> closed.incrementAndGet());
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new Recorder());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections whose TLS handshake completed. */
    public int handshakes() {
        return handshakes.get();
    }

    /** Connections that have closed. */
    public int closed() {
        return closed.get();
    }

    /** Every byte received after a handshake, over all connections. */
    public synchronized byte[] received() {
        return received.toByteArray();
    }

    /** Whether {@code text} is among the bytes received (as ASCII). */
    public boolean receivedText(String text) {
        return new String(received(), StandardCharsets.ISO_8859_1).contains(text);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                handshakes.incrementAndGet();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf bytes = (ByteBuf) msg;
                byte[] copy = new byte[bytes.readableBytes()];
                bytes.readBytes(copy);
                synchronized (RecordingPrinter.this) {
                    received.writeBytes(copy);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client that refused our certificate: expected
        }
    }
}
