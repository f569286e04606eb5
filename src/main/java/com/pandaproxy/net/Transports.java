package com.pandaproxy.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Which of Netty's transports the event loops use, and the channel classes that go with a group.
 * The application's loops use the native epoll transport where its library loads (Linux on x86-64
 * and aarch64, glibc or musl): it sends a burst of RTP datagrams to every UDP viewer with one
 * {@code sendmmsg} instead of one system call per datagram and viewer (BENCHMARKS.md, RTSP).
 * Elsewhere, or with {@code -Dio.netty.transport.noNative=true}, NIO. Channels are chosen by the
 * group they are registered with, so code given a NIO group (the tests, the simulators) keeps NIO.
 */
public final class Transports {
    private Transports() {
    }

    /** For a new event-loop group: epoll if available, else NIO. */
    public static IoHandlerFactory ioHandlerFactory() {
        return Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** "epoll" or "NIO" (the benchmarks print it). */
    public static String name(EventLoopGroup group) {
        return epoll(group) ? "epoll" : "NIO";
    }

    public static Class<? extends ServerChannel> serverSocket(EventLoopGroup group) {
        return epoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> socket(EventLoopGroup group) {
        return epoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends DatagramChannel> datagram(EventLoopGroup group) {
        return epoll(group) ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    private static boolean epoll(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
    }
}
