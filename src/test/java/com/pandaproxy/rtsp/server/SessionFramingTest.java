package com.pandaproxy.rtsp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.relay.Relay;
import com.pandaproxy.rtsp.relay.TrackClock;
import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a TCP client's connection carries, byte for byte, when the relay sends it packets. */
class SessionFramingTest {
    static final String SDP = "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
            + "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\na=control:track1\r\n";
    static final byte[] SPS = {0x67, 0x64, 0, 0x28};
    static final byte[] IDR_START = {0x7C, (byte) 0x85, 1, 2};
    static final byte[] IDR_END = {0x7C, 0x45, 3};
    static final byte[] P_SLICE = {0x41, (byte) 0x9A, 5};

    final EmbeddedChannel usual = new EmbeddedChannel();
    final EmbeddedChannel other = new EmbeddedChannel();
    final Relay relay = new Relay(usual.eventLoop(), UnpooledByteBufAllocator.DEFAULT, new StatusBoard(CameraType.RTSP));
    final List<ByteBuf> sent = new ArrayList<>();
    int upSeq = 100;

    @AfterEach
    void close() {
        relay.close();
        usual.runPendingTasks();
        usual.finishAndReleaseAll();
        other.finishAndReleaseAll();
        sent.forEach(ByteBuf::release);
    }

    ClientSession play(EmbeddedChannel ch, int rtpChannel) {
        ClientSession s = new ClientSession(ch, null);
        s.setUp(new ClientSession.TrackTransport(0, rtpChannel, rtpChannel + 1, null, null));
        relay.attach(s.sink(), t -> "rtsp://h/stream/trackID=" + t, List.of(0), info -> { });
        usual.runPendingTasks();
        return s;
    }

    /** One upstream packet; the relay flushes clients once the burst (these calls) is over. */
    void packet(long ts, boolean marker, byte[] payload) {
        ByteBuf p = Rtp.build(UnpooledByteBufAllocator.DEFAULT, 96, marker, upSeq++, ts, 0x1111, payload);
        relay.packet(0, false, p);
    }

    void endOfBurst() {
        usual.runPendingTasks();
    }

    /** The packet as the relay numbers it: the {@code n}th packet the relay numbered, with the proxy's SSRC. */
    byte[] expectedFrame(int channel, int firstSeq, int n, long ts, boolean marker, byte[] payload) {
        TrackClock clock = relay.clock(0);
        ByteBuf p = Rtp.build(UnpooledByteBufAllocator.DEFAULT, 96, marker, (firstSeq + n) & 0xFFFF, ts, clock.ssrc(), payload);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write('$');
            out.write(channel);
            out.write(p.readableBytes() >> 8);
            out.write(p.readableBytes() & 0xFF);
            out.writeBytes(ByteBufUtil.getBytes(p));
            return out.toByteArray();
        } finally {
            p.release();
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The test keyframe (SPS, IDR start, IDR end) as framed on {@code channel}, numbered from {@code first}. */
    byte[] keyframe(int channel, int first, long ts) {
        return concat(expectedFrame(channel, first, 0, ts, false, SPS), expectedFrame(channel, first, 1, ts, false, IDR_START),
                expectedFrame(channel, first, 2, ts, true, IDR_END));
    }

    /** Everything written to the connection since the last call, and how many writes it took. */
    byte[] drain(EmbeddedChannel ch, int[] writes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            writes[0]++;
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        return out.toByteArray();
    }

    @Test
    void aBurstOnTheUsualChannelIsOneWriteOfWholeFramesAndOtherChannelsGetTheSameBytes() {
        relay.described(Sdp.parse(SDP));
        play(usual, 0);
        play(other, 4);
        packet(9000, false, SPS);
        packet(9000, false, IDR_START);
        packet(9000, true, IDR_END);
        endOfBurst();
        int first = (relay.clock(0).position().lastSeq() - 2) & 0xFFFF;
        long ts = relay.clock(0).position().lastTs();

        int[] writes = {0};
        assertArrayEquals(keyframe(0, first, ts), drain(usual, writes));
        assertEquals(1, writes[0], "one slice of the shared chunk for the whole burst");
        int[] otherWrites = {0};
        assertArrayEquals(keyframe(4, first, ts), drain(other, otherWrites));

        packet(12000, true, P_SLICE);
        endOfBurst();
        writes[0] = 0;
        assertArrayEquals(expectedFrame(0, first, 3, ts + 3000, true, P_SLICE), drain(usual, writes));
        assertEquals(1, writes[0]);
    }

    @Test
    void aJoinerGetsTheCachedKeyframeAsWholeFrames() {
        relay.described(Sdp.parse(SDP));
        packet(9000, false, SPS);
        packet(9000, false, IDR_START);
        endOfBurst();
        packet(9000, true, IDR_END);
        endOfBurst();
        int first = (relay.clock(0).position().lastSeq() - 2) & 0xFFFF;
        long ts = relay.clock(0).position().lastTs();
        play(usual, 0);
        assertArrayEquals(keyframe(0, first, ts), drain(usual, new int[1]));
    }

    @Test
    void aSlowClientResumesWithTheFrameOfTheNextKeyframeInTheMiddleOfABurst() {
        relay.described(Sdp.parse(SDP));
        usual.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        play(usual, 0);
        packet(9000, false, SPS);
        packet(9000, true, IDR_END);
        endOfBurst();
        drain(usual, new int[1]);
        // a backlog over the high water mark: the client is slow
        usual.write(Unpooled.wrappedBuffer(new byte[32]));
        assertFalse(usual.isWritable());
        packet(12000, true, P_SLICE);
        endOfBurst();
        usual.flush();
        drain(usual, new int[1]);
        // writable again: the rest of this burst is skipped up to the keyframe, which starts the write
        packet(15000, true, P_SLICE);
        packet(18000, false, SPS);
        packet(18000, true, IDR_END);
        endOfBurst();
        int first = (relay.clock(0).position().lastSeq() - 1) & 0xFFFF;
        long ts = relay.clock(0).position().lastTs();
        int[] writes = {0};
        assertArrayEquals(concat(expectedFrame(0, first, 0, ts, false, SPS), expectedFrame(0, first, 1, ts, true, IDR_END)),
                drain(usual, writes));
        assertEquals(1, writes[0]);
        assertNull(usual.readOutbound());
    }
}
