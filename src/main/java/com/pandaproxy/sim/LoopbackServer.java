package com.pandaproxy.sim;

import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * A simulated printer's listening socket on loopback: bound once (port 0: a free one), then closed
 * with every connection and bound again on the same port, like a printer switched off and on.
 */
final class LoopbackServer {
    private final EventLoopGroup group;
    private final Consumer<SocketChannel> init;
    private final ChannelGroup connections = new DefaultChannelGroup("simulator", GlobalEventExecutor.INSTANCE);
    private volatile Channel server;
    private volatile int port;

    /** @param init sets up each accepted connection's pipeline */
    LoopbackServer(EventLoopGroup group, Consumer<SocketChannel> init) {
        this.group = group;
        this.init = init;
    }

    /** The TLS server side of a simulator with {@code identity}, on the engine the product picks. */
    static SslContext tls(ServerCertificate identity) {
        try {
            return Tls.serverContext(identity, Tls.defaultProvider());
        } catch (SSLException e) {
            throw new IllegalStateException("simulated printer: cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Listens on {@code wanted} (0: any free port); if it cannot, closes {@code simulator} and throws. */
    void bind(int wanted, AutoCloseable simulator) {
        try {
            bind(wanted);
        } catch (RuntimeException e) {
            try {
                simulator.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Listens on {@code wanted} (0: any free port). */
    private void bind(int wanted) {
        ChannelFuture f = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        init.accept(ch);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted)).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IllegalStateException("simulated printer cannot listen on 127.0.0.1:" + wanted + ": "
                    + f.cause().getMessage(), f.cause());
        }
        port = ((InetSocketAddress) f.channel().localAddress()).getPort();
        server = f.channel();
    }

    int port() {
        return port;
    }

    /** Stops listening and drops every connection. */
    void stop() {
        Channel s = server;
        server = null;
        if (s != null) {
            s.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /**
     * Listens again on the same port after {@link #stop}. The JDK frees a closed listening socket
     * only at the selector's next turn, so a bind right after a stop may briefly find the port
     * still taken: retried for up to 3 s.
     */
    void restart() {
        if (server != null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (true) {
            try {
                bind(port);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
