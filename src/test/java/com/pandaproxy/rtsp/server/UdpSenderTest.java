package com.pandaproxy.rtsp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One UDP viewer's backlog and pacing, on a channel standing for the shared socket: a handler in
 * front of it plays the kernel, taking datagrams at once or holding them (a saturated link).
 */
class UdpSenderTest {
    static final int PACKET = 1400;
    static final WriteBufferWaterMark MARKS = RtspServer.WATER_MARK;
    static final InetSocketAddress VIEWER_A = new InetSocketAddress("127.0.0.1", 5000);
    static final InetSocketAddress VIEWER_B = new InetSocketAddress("127.0.0.1", 6000);

    /** The kernel: records what it took and when (datagram number, in ms of the test's clock). */
    final class Kernel extends ChannelOutboundHandlerAdapter {
        boolean holding;
        final List<DatagramPacket> held = new ArrayList<>();
        final List<ChannelPromise> promises = new ArrayList<>();
        final List<long[]> taken = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            DatagramPacket p = (DatagramPacket) msg;
            if (holding) {
                held.add(p);
                promises.add(promise);
                return;
            }
            taken.add(new long[] {p.content().getInt(0), nanos / 1_000_000, p.recipient().getPort()});
            p.release();
            promise.trySuccess();
        }

        void release() {
            holding = false;
            for (int i = 0; i < held.size(); i++) {
                held.get(i).release();
                promises.get(i).trySuccess();
            }
            held.clear();
            promises.clear();
        }
    }

    final Kernel kernel = new Kernel();
    final EmbeddedChannel channel = new EmbeddedChannel(kernel);
    long nanos;
    int numbered;
    final List<ByteBuf> made = new ArrayList<>();

    UdpSenderTest() {
        channel.freezeTime();
    }

    @AfterEach
    void close() {
        senders.forEach(UdpSender::close);
        kernel.release();
        channel.finishAndReleaseAll();
        for (ByteBuf b : made) {
            assertEquals(0, b.refCnt(), "every datagram released");
        }
    }

    final List<UdpSender> senders = new ArrayList<>();

    UdpSender sender() {
        UdpSender s = new UdpSender(channel, MARKS, () -> nanos);
        senders.add(s);
        return s;
    }

    /** {@code n} datagrams of {@link #PACKET} bytes for a viewer, numbered in order. */
    List<DatagramPacket> datagrams(int n, InetSocketAddress to) {
        List<DatagramPacket> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ByteBuf b = Unpooled.buffer(PACKET).writeInt(numbered++).writeZero(PACKET - 4);
            made.add(b);
            list.add(new DatagramPacket(b, to));
        }
        return list;
    }

    void advance(long millis) {
        for (long i = 0; i < millis; i++) {
            nanos += 1_000_000;
            channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
    }

    @Test
    void theReplayIsSpreadOverTwoHundredMillisecondsAndLivePacketsFollowIt() {
        UdpSender s = sender();
        int replay = 750; // ~1 MB: a 2 s GOP at 4 Mbit/s
        s.sendPaced(datagrams(replay, VIEWER_A));
        int atOnce = kernel.taken.size();
        assertTrue(atOnce > 0 && atOnce * PACKET <= 32 * 1024, "the first part at once, not all: " + atOnce);
        assertTrue(s.writable(), "the waiting replay does not make the joiner slow");
        assertEquals(0, s.backlog());
        advance(100);
        s.send(datagrams(20, VIEWER_A)); // live packets meanwhile
        assertTrue(kernel.taken.size() < replay, "still pacing");
        advance(110);
        assertEquals(replay + 20, kernel.taken.size(), "replay and live all out within the window");
        for (int i = 0; i < kernel.taken.size(); i++) {
            assertEquals(i, kernel.taken.get(i)[0], "in order");
        }
        int mostInOneMillisecond = 0;
        for (long ms = 0; ms <= 210; ms++) {
            long t = ms;
            mostInOneMillisecond = Math.max(mostInOneMillisecond,
                    (int) kernel.taken.stream().filter(x -> x[1] == t && x[0] < replay).count());
        }
        assertTrue(mostInOneMillisecond * PACKET <= 32 * 1024, "no replay burst beyond a tick's share: " + mostInOneMillisecond);
        s.send(datagrams(3, VIEWER_A));
        assertEquals(replay + 23, kernel.taken.size(), "live packets go at once again");
    }

    @Test
    void aLateTickSendsWhatIsDueUpToABurst() {
        UdpSender s = sender();
        s.sendPaced(datagrams(750, VIEWER_A));
        int before = kernel.taken.size();
        nanos += 50_000_000; // the event loop was busy for 50 ms
        channel.advanceTimeBy(50, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        int sent = kernel.taken.size() - before;
        assertTrue(sent * PACKET <= UdpSender.MAX_BURST_BYTES && (sent + 1) * PACKET > UdpSender.MAX_BURST_BYTES,
                "a burst's worth: " + sent);
    }

    @Test
    void aSmallReplayGoesQuickly() {
        UdpSender s = sender();
        s.sendPaced(datagrams(60, VIEWER_A)); // 84 KB: a keyframe
        advance(55); // at the least rate, 8 KiB a tick: 11 ticks, not the whole window
        assertEquals(60, kernel.taken.size());
    }

    @Test
    void whatTheKernelHasNotTakenCountsForThatViewerOnly() {
        UdpSender a = sender();
        UdpSender b = sender();
        kernel.holding = true;
        a.send(datagrams(MARKS.high() / PACKET + 1, VIEWER_A));
        b.send(datagrams(100, VIEWER_B));
        assertFalse(a.writable(), "a viewer with a full backlog is slow");
        assertTrue(b.writable(), "another viewer on the same socket is not");
        kernel.release();
        assertTrue(a.writable(), "the kernel took it all: writable again");
        assertEquals(0, a.backlog());
        assertEquals(0, b.backlog());
    }

    @Test
    void aSlowViewerResumesOnlyUnderTheLowWaterMark() {
        UdpSender a = sender();
        kernel.holding = true;
        a.send(datagrams(MARKS.high() / PACKET + 1, VIEWER_A));
        assertFalse(a.writable());
        // the kernel takes a part: still above the low mark
        for (int i = 0; i < 100; i++) {
            kernel.held.remove(0).release();
            kernel.promises.remove(0).trySuccess();
        }
        assertFalse(a.writable(), "the backlog is counted down only when the whole batch is out");
        kernel.release();
        assertTrue(a.writable());
    }

    @Test
    void closingDropsWhatIsQueuedAndLaterPackets() {
        UdpSender s = sender();
        s.sendPaced(datagrams(300, VIEWER_A));
        s.close();
        int taken = kernel.taken.size();
        s.send(datagrams(5, VIEWER_A));
        s.sendPaced(datagrams(5, VIEWER_A));
        advance(50);
        assertEquals(taken, kernel.taken.size());
    }
}
