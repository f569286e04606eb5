package com.pandaproxy.rtsp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.net.Transports;
import com.pandaproxy.testutil.Await;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Runs of one viewer's datagrams leave in one segmented send, and arrive as the same datagrams. */
class UdpSegmentsTest {
    static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5000);
    static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 6000);

    private static DatagramPacket packet(int number, int size, InetSocketAddress to) {
        ByteBuf b = Unpooled.buffer(size);
        for (int i = 0; i < size; i++) {
            b.writeByte(i == 0 ? number : (number * 31 + i));
        }
        return new DatagramPacket(b, to);
    }

    @Test
    void runsOfOneSizeToOneViewerAreJoinedTheRestIsKept() {
        List<DatagramPacket> batch = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < 5; i++) {
            batch.add(packet(n++, 1400, A));
        }
        batch.add(packet(n++, 600, A)); // the shorter last of a run: joined
        batch.add(packet(n++, 1400, A)); // starts the next run; the next one goes elsewhere
        batch.add(packet(n++, 1400, B));
        batch.add(packet(n++, 2000, B)); // over an Ethernet MTU: alone
        for (int i = 0; i < UdpSegments.MAX_SEGMENTS + 6; i++) {
            batch.add(packet(n++, 1000, B));
        }
        List<DatagramPacket> out = UdpSegments.join(batch);
        try {
            assertEquals(6, out.size());
            assertSegmented(out.get(0), 1400, 5 * 1400 + 600);
            assertEquals(1400, out.get(1).content().readableBytes());
            assertEquals(1400, out.get(2).content().readableBytes());
            assertEquals(2000, out.get(3).content().readableBytes());
            assertSegmented(out.get(4), 1000, UdpSegments.MAX_SEGMENTS * 1000);
            assertSegmented(out.get(5), 1000, 6 * 1000);
            List<DatagramPacket> single = List.of(packet(0, 100, A), packet(1, 100, B));
            assertTrue(UdpSegments.join(single) == single, "nothing to join: the batch as it was");
            single.forEach(DatagramPacket::release);
        } finally {
            out.forEach(DatagramPacket::release);
        }
    }

    private static void assertSegmented(DatagramPacket p, int segment, int bytes) {
        SegmentedDatagramPacket s = assertInstanceOf(SegmentedDatagramPacket.class, p);
        assertEquals(segment, s.segmentSize());
        assertEquals(bytes, s.content().readableBytes());
    }

    /** A real epoll socket and a kernel that cuts: the viewer receives each datagram as it was sent. */
    @Test
    void aViewerReceivesTheSameDatagramsInOrder() throws Exception {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, Transports.ioHandlerFactory());
        try (DatagramChannel viewer = DatagramChannel.open()) {
            viewer.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            viewer.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = (InetSocketAddress) viewer.getLocalAddress();
            AtomicInteger segmentedSends = new AtomicInteger();
            Channel socket = new Bootstrap().group(loops).channel(Transports.datagram(loops))
                    .handler(new ChannelOutboundHandlerAdapter() {
                        @Override
                        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                            if (msg instanceof SegmentedDatagramPacket) {
                                segmentedSends.incrementAndGet();
                            }
                            ctx.write(msg, promise);
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            assertTrue(UdpSegments.usable(socket), "epoll with UDP_SEGMENT on this kernel (" + Transports.name(loops) + ")");

            // a keyframe-like picture: SPS, PPS, 70 fragments of one size, a short last one; then a small picture in two
            int[] sizes = new int[75];
            sizes[0] = 30;
            sizes[1] = 12;
            for (int i = 2; i < 72; i++) {
                sizes[i] = 1388;
            }
            sizes[72] = 411;
            sizes[73] = 900;
            sizes[74] = 250;
            List<byte[]> sent = new ArrayList<>();
            UdpSender sender = new UdpSender(socket, RtspServer.WATER_MARK, socket::flush);
            socket.eventLoop().submit(() -> {
                List<DatagramPacket> batch = new ArrayList<>();
                for (int i = 0; i < sizes.length; i++) {
                    DatagramPacket p = packet(i, sizes[i], to);
                    sent.add(ByteBufUtil.getBytes(p.content()));
                    batch.add(p);
                }
                sender.send(batch);
            }).sync();

            viewer.configureBlocking(true);
            viewer.socket().setSoTimeout(5000);
            ByteBuffer in = ByteBuffer.allocate(65536);
            for (int i = 0; i < sizes.length; i++) {
                in.clear();
                assertNotNull(viewer.receive(in), "datagram " + i);
                in.flip();
                byte[] got = new byte[in.remaining()];
                in.get(got);
                assertArrayEquals(sent.get(i), got, "datagram " + i + " as it was sent");
            }
            assertEquals(4, segmentedSends.get(), "SPS + the shorter PPS; 64 fragments; 6 + the short last; 900 + 250");
            Await.until("the sender's backlog is back to nothing", Duration.ofSeconds(5),
                    () -> socket.eventLoop().submit(sender::backlog).syncUninterruptibly().getNow() == 0);
            socket.close().sync();
        } finally {
            loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }
}
