package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container health check against a real TLS server made like the proxy's. */
class HealthCheckTest {
    @TempDir
    Path dir;

    @Test
    void aTlsServerIsHealthy() throws Exception {
        Tls tls = new Tls(ServerCertificate.loadOrCreate(dir, "127.0.0.1"), Tls.defaultProvider());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.server().newHandler(ch.alloc()));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            assertTrue(HealthCheck.answers("127.0.0.1", port, 3000));
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).sync();
        }
    }

    @Test
    void aClosedPortIsNot() {
        assertFalse(HealthCheck.answers("127.0.0.1", FreePort.get(), 1000));
    }

    @Test
    void aListenerThatNeverHandshakesIsNot() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            assertFalse(HealthCheck.answers("127.0.0.1", silent.getLocalPort(), 300));
            assertTrue(System.nanoTime() - start < 5_000_000_000L);
        }
    }

    @Test
    void wildcardBindIsProbedOnLoopback() {
        assertEquals("127.0.0.1", HealthCheck.host(null));
        assertEquals("127.0.0.1", HealthCheck.host("0.0.0.0"));
        assertEquals("127.0.0.1", HealthCheck.host("::"));
        assertEquals("192.0.2.4", HealthCheck.host("192.0.2.4"));
    }
}
