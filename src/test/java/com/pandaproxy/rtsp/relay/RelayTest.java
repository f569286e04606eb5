package com.pandaproxy.rtsp.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.H264Keyframe;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.RtpInfo;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.rtp.H264Packets;
import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay fed directly, as the upstream would, on its own loop. */
class RelayTest {
    static final String SDP = "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
            + "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z2QAKKzZQHgCJ+XARAAAAwAEAAADAPA8YMZY,aOvjyyLA\r\n"
            + "a=control:track1\r\n";
    static final byte[] SPS = {0x67, 0x64, 0, 0x28};
    static final byte[] PPS = {0x68, (byte) 0xEB};
    static final byte[] IDR_START = {0x7C, (byte) 0x85, 1, 2};
    static final byte[] IDR_END = {0x7C, 0x45, 3};
    static final byte[] P_SLICE = {0x41, (byte) 0x9A, 5};

    final EventLoop loop = new DefaultEventLoop();
    final Relay relay = new Relay(loop, UnpooledByteBufAllocator.DEFAULT, new StatusBoard(CameraType.RTSP));
    final long upstreamSsrc = 0x1111;
    int upSeq = 40000;

    /** Collects what a client would get, as sequence numbers and payload bytes. */
    static final class Collector extends RelaySink {
        int flushes;

        @Override
        protected void flush() {
            flushes++;
        }

        final List<int[]> seqs = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        final List<Long> ts = new ArrayList<>();
        final List<Long> ssrcs = new ArrayList<>();
        boolean writable = true;

        @Override
        protected boolean writable() {
            return writable;
        }

        @Override
        protected void write(RelayPacket unit) {
            ByteBuf p = unit.content();
            seqs.add(new int[] {Rtp.sequence(p)});
            ts.add(Rtp.timestamp(p));
            ssrcs.add(Rtp.ssrc(p));
            payloads.add(ByteBufUtil.getBytes(Rtp.payload(p)));
        }
    }

    @AfterEach
    void stop() {
        relay.close();
        loop.shutdownGracefully(0, 100, java.util.concurrent.TimeUnit.MILLISECONDS).awaitUninterruptibly(1000);
    }

    void onLoop(Runnable r) {
        loop.submit(r).syncUninterruptibly();
    }

    void send(long ts, boolean marker, byte[] payload) {
        ByteBuf p = Rtp.build(UnpooledByteBufAllocator.DEFAULT, 96, marker, upSeq++ & 0xFFFF, ts, upstreamSsrc, payload);
        onLoop(() -> relay.packet(0, false, p));
    }

    void keyframe(long ts, boolean withSps) {
        if (withSps) {
            send(ts, false, SPS);
            send(ts, false, PPS);
        }
        send(ts, false, IDR_START);
        send(ts, true, IDR_END);
    }

    Collector join() {
        Collector c = new Collector();
        AtomicReference<List<RtpInfo>> info = new AtomicReference<>();
        relay.attach(c, t -> "rtsp://h/stream/trackID=" + t, List.of(0), info::set);
        onLoop(() -> { });
        return c;
    }

    static void assertContinuous(Collector c) {
        for (int i = 1; i < c.seqs.size(); i++) {
            assertEquals((c.seqs.get(i - 1)[0] + 1) & 0xFFFF, c.seqs.get(i)[0], "gap at " + i);
        }
    }

    @Test
    void rewritesOnceAndStartsJoinersAtTheLastKeyframe() {
        onLoop(() -> relay.described(Sdp.parse(SDP)));
        send(1000, true, P_SLICE); // before any keyframe: not relayed
        Collector early = join();
        keyframe(4000, true);
        send(7000, true, P_SLICE);
        Collector late = join();
        send(10000, true, P_SLICE);
        assertEquals(6, early.seqs.size());
        assertArrayEquals(SPS, early.payloads.get(0));
        assertContinuous(early);
        long ssrc = relay.clock(0).ssrc();
        assertTrue(early.ssrcs.stream().allMatch(s -> s == ssrc));
        assertNotEquals(upstreamSsrc, ssrc);
        // the late joiner replays SPS, PPS, IDR…, P and then live: the same numbers as the early one
        assertEquals(early.seqs.stream().map(a -> a[0]).toList(), late.seqs.stream().map(a -> a[0]).toList());
        assertEquals(3000L, early.ts.get(4) - early.ts.get(0));
        assertTrue(early.flushes > 0, "flushed");
    }

    @Test
    void keyframeWithoutInBandParameterSetsGetsThemFromSdpForJoiners() {
        onLoop(() -> relay.described(Sdp.parse(SDP)));
        keyframe(4000, false);
        send(7000, true, P_SLICE);
        Collector late = join();
        assertEquals(4, late.seqs.size());
        ByteBuf stap = io.netty.buffer.Unpooled.wrappedBuffer(late.payloads.get(0));
        assertEquals(H264Packets.STAP_A, H264Packets.packetType(stap));
        assertTrue(H264Packets.stapAContains(stap, H264Packets.NAL_PPS));
        assertContinuous(late);
    }

    /** The keyframe for snapshots: its whole access unit as NAL units, FU-A joined, parameter sets first. */
    @Test
    void latestKeyframeIsTheWholeAccessUnit() throws Exception {
        onLoop(() -> relay.described(Sdp.parse(SDP)));
        assertEquals(null, relay.latestKeyframe().get());
        keyframe(4000, true);
        send(7000, true, P_SLICE);
        H264Keyframe k = relay.latestKeyframe().get();
        assertEquals(3, k.nals().size());
        assertArrayEquals(SPS, k.nals().get(0));
        assertArrayEquals(PPS, k.nals().get(1));
        assertArrayEquals(new byte[] {0x65, 1, 2, 3}, k.nals().get(2));
        // a keyframe still arriving is not whole yet; without in-band SPS/PPS the SDP's come first
        send(10000, false, IDR_START);
        assertEquals(null, relay.latestKeyframe().get());
        send(10000, true, IDR_END);
        H264Keyframe next = relay.latestKeyframe().get();
        assertNotEquals(k.id(), next.id());
        assertEquals(H264Packets.NAL_SPS, next.nals().get(0)[0] & 0x1F);
        assertEquals(H264Packets.NAL_PPS, next.nals().get(1)[0] & 0x1F);
        assertArrayEquals(new byte[] {0x65, 1, 2, 3}, next.nals().get(2));
    }

    @Test
    void numberingIsContinuousAcrossAnUpstreamRestart() throws Exception {
        onLoop(() -> relay.described(Sdp.parse(SDP)));
        Collector c = join();
        keyframe(4000, true);
        send(7000, true, P_SLICE);
        onLoop(relay::disconnected);
        Thread.sleep(50);
        // the printer restarts with other numbers; what precedes its first keyframe is not relayed
        onLoop(() -> relay.described(Sdp.parse(SDP)));
        upSeq = 7;
        send(500_000, true, P_SLICE);
        keyframe(503_000, true);
        send(506_000, true, P_SLICE);
        assertEquals(10, c.seqs.size());
        assertContinuous(c);
        assertArrayEquals(SPS, c.payloads.get(5));
        long gap = c.ts.get(5) - c.ts.get(4);
        assertTrue(gap >= 50 * 90 && gap < 5000 * 90, "timestamp advanced by the pause: " + gap);
        assertEquals(1, c.ssrcs.stream().distinct().count());
    }

    @Test
    void slowClientSkipsToTheNextKeyframe() {
        onLoop(() -> relay.described(Sdp.parse(SDP)));
        Collector c = join();
        keyframe(4000, true);
        c.writable = false;
        send(7000, true, P_SLICE);
        c.writable = true;
        send(10000, true, P_SLICE);
        keyframe(13000, true);
        assertEquals(8, c.seqs.size());
        assertEquals(c.dropped(), 2);
        assertArrayEquals(SPS, c.payloads.get(4));
    }

    @Test
    void cacheIsBounded() {
        onLoop(() -> relay.described(Sdp.parse(SDP)));
        keyframe(4000, true);
        for (int i = 0; i < KeyframeCache.MAX_PACKETS; i++) {
            send(7000 + i, true, P_SLICE);
        }
        Collector late = join();
        send(900_000, true, P_SLICE);
        assertEquals(0, late.seqs.size());
        keyframe(903_000, true);
        assertEquals(4, late.seqs.size());
    }

    @Test
    void malformedAndRtcpPacketsAreDropped() {
        onLoop(() -> relay.described(Sdp.parse(SDP)));
        Collector c = join();
        ByteBuf bad = io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        ByteBuf rtcp = io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 200, 0, 0});
        onLoop(() -> relay.packet(0, false, bad));
        onLoop(() -> relay.packet(0, true, rtcp));
        onLoop(() -> relay.packet(5, false, Rtp.build(UnpooledByteBufAllocator.DEFAULT, 96, true, 1, 1, 1, SPS)));
        keyframe(4000, true);
        assertEquals(4, c.seqs.size());
        assertEquals(0, bad.refCnt());
        assertEquals(0, rtcp.refCnt());
    }
}
