package com.pandaproxy.rtsp.server;

import com.pandaproxy.net.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's UDP port pair for RTP/RTCP over UDP, shared by all UDP sessions: RTP goes out of
 * the even port, RTCP out of the odd one; RTCP receiver reports coming in keep the session alive.
 * Bound to the relay's event loop, where each session's {@link UdpSender} writes to it: the
 * channel's own writability decides nothing (each session keeps its own backlog).
 */
final class UdpTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    private static final int ATTEMPTS = 20;
    /**
     * SO_SNDBUF asked for, gst-rtsp-server's size for its UDP sinks (Linux caps it at
     * net.core.wmem_max, 212992 bytes on most systems). A keyframe (~80-100 KB at 4 Mbit/s) for a
     * few viewers is taken by the kernel in one go, the rest waits in Netty, counted per viewer; a
     * much larger buffer would only let a burst outgrow the interface's transmit queue (1000
     * packets by default), which drops datagrams instead of pushing back.
     */
    static final int SEND_BUFFER = 512 * 1024;

    private final Channel rtp;
    private final Channel rtcp;
    private final Map<InetSocketAddress, ClientSession> byRtcpAddress;
    private boolean flushScheduled;

    private UdpTransport(Channel rtp, Channel rtcp, Map<InetSocketAddress, ClientSession> byRtcpAddress) {
        this.rtp = rtp;
        this.rtcp = rtcp;
        this.byRtcpAddress = byRtcpAddress;
    }

    /** Incoming datagrams on either port: a known client's RTCP keeps its session alive; the rest is ignored. */
    @ChannelHandler.Sharable
    private static final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Map<InetSocketAddress, ClientSession> sessions;

        Receiver(Map<InetSocketAddress, ClientSession> sessions) {
            this.sessions = sessions;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ClientSession s = sessions.get(packet.sender());
            if (s != null) {
                s.touch();
            }
        }
    }

    /** Binds an even/odd pair of ports (falling back to any two) on the address, served by {@code loop}. */
    static UdpTransport bind(EventLoop loop, String address) throws InterruptedException {
        Map<InetSocketAddress, ClientSession> sessions = new ConcurrentHashMap<>();
        Bootstrap b = new Bootstrap().group(loop).channel(Transports.datagram(loop))
                .option(ChannelOption.SO_SNDBUF, SEND_BUFFER)
                .handler(new Receiver(sessions));
        Channel first = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            Channel a = b.bind(address, 0).sync().channel();
            int port = ((InetSocketAddress) a.localAddress()).getPort();
            if (port % 2 == 0 && port < 65535) {
                var second = b.bind(address, port + 1).await();
                if (second.isSuccess()) {
                    if (first != null) {
                        first.close();
                    }
                    return new UdpTransport(a, second.channel(), sessions);
                }
            }
            if (first == null) {
                first = a;
            } else {
                a.close();
            }
        }
        LOG.debug("No consecutive UDP port pair found; using two unrelated ports");
        return new UdpTransport(first, b.bind(address, 0).sync().channel(), sessions);
    }

    int rtpPort() {
        return ((InetSocketAddress) rtp.localAddress()).getPort();
    }

    int rtcpPort() {
        return ((InetSocketAddress) rtcp.localAddress()).getPort();
    }

    Channel rtp() {
        return rtp;
    }

    Channel rtcp() {
        return rtcp;
    }

    /**
     * Flushes the RTP channel once the current task is done (on its loop): the datagrams every
     * session wrote for a burst leave together, with the epoll transport in one {@code sendmmsg}
     * (up to 1024 datagrams a call) instead of one {@code sendto} per datagram and viewer.
     */
    void flushSoon() {
        if (!flushScheduled) {
            flushScheduled = true;
            rtp.eventLoop().execute(() -> {
                flushScheduled = false;
                rtp.flush();
            });
        }
    }

    void register(InetSocketAddress clientRtcp, ClientSession session) {
        byRtcpAddress.put(clientRtcp, session);
    }

    void unregister(InetSocketAddress clientRtcp, ClientSession session) {
        byRtcpAddress.remove(clientRtcp, session);
    }

    @Override
    public void close() {
        rtp.close().awaitUninterruptibly(500);
        rtcp.close().awaitUninterruptibly(500);
    }
}
