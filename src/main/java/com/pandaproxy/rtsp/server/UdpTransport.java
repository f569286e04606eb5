package com.pandaproxy.rtsp.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's UDP port pair for RTP/RTCP over UDP, shared by all UDP sessions: RTP goes out of
 * the even port, RTCP out of the odd one; RTCP receiver reports coming in keep the session alive.
 */
final class UdpTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    private static final int ATTEMPTS = 20;

    private final Channel rtp;
    private final Channel rtcp;
    private final Map<InetSocketAddress, ClientSession> byRtcpAddress = new ConcurrentHashMap<>();

    private UdpTransport(Channel rtp, Channel rtcp) {
        this.rtp = rtp;
        this.rtcp = rtcp;
    }

    /** Binds an even/odd pair of ports (falling back to any two) on the address. */
    static UdpTransport bind(EventLoopGroup group, String address) throws InterruptedException {
        UdpTransport[] self = new UdpTransport[1];
        Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    // stateless and bound to both ports (and to every candidate port tried)
                    @Override
                    public boolean isSharable() {
                        return true;
                    }

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        UdpTransport t = self[0];
                        ClientSession s = t == null ? null : t.byRtcpAddress.get(packet.sender());
                        if (s != null) {
                            s.touch();
                        }
                    }
                });
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
                    self[0] = new UdpTransport(a, second.channel());
                    return self[0];
                }
            }
            if (first == null) {
                first = a;
            } else {
                a.close();
            }
        }
        LOG.debug("No consecutive UDP port pair found; using two unrelated ports");
        self[0] = new UdpTransport(first, b.bind(address, 0).sync().channel());
        return self[0];
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
