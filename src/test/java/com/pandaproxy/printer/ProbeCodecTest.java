package com.pandaproxy.printer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.pandaproxy.chamber.AuthPacket;
import com.pandaproxy.chamber.ChamberProbe;
import com.pandaproxy.rtsp.RtspProbe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProbeCodecTest {
    private static ByteBuf header(long size, int a, int b, int c) {
        ByteBuffer bb = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt((int) size).putInt(a).putInt(b).putInt(c);
        return Unpooled.wrappedBuffer(bb.array());
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void authPacketLayout() {
        byte[] p = AuthPacket.encode("bblp", "12345678");
        assertEquals(80, p.length);
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x40, b.getInt(0));
        assertEquals(0x3000, b.getInt(4));
        assertEquals(0, b.getInt(8));
        assertEquals(0, b.getInt(12));
        assertEquals("bblp", new String(p, 16, 4, StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[28], Arrays.copyOfRange(p, 20, 48));
        assertEquals("12345678", new String(p, 48, 8, StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[24], Arrays.copyOfRange(p, 56, 80));
        // a 32-character code fills its field exactly
        byte[] full = AuthPacket.encode("bblp", "x".repeat(32));
        assertEquals("x".repeat(32), new String(full, 48, 32, StandardCharsets.US_ASCII));
    }

    @Test
    void chamberHeaderIsJudgedOnlyWhenComplete() {
        assertNull(ChamberProbe.judge(header(1000, 0, 1, 0).slice(0, 15)));
        assertEquals(ProbeResult.Outcome.FOUND, ChamberProbe.judge(header(1000, 0, 1, 0)).outcome());
        assertEquals(ProbeResult.Outcome.FOUND, ChamberProbe.judge(header(10 * 1024 * 1024, 0, 1, 0)).outcome());
    }

    @Test
    void implausibleChamberHeadersAreMismatches() {
        assertEquals(ProbeResult.Outcome.MISMATCH, ChamberProbe.judge(header(0, 0, 1, 0)).outcome());
        assertEquals(ProbeResult.Outcome.MISMATCH, ChamberProbe.judge(header(10 * 1024 * 1024 + 1, 0, 1, 0)).outcome());
        assertEquals(ProbeResult.Outcome.MISMATCH, ChamberProbe.judge(header(0xFFFFFFFFL, 0, 1, 0)).outcome());
        assertEquals(ProbeResult.Outcome.MISMATCH, ChamberProbe.judge(header(1000, 7, 1, 0)).outcome());
        assertEquals(ProbeResult.Outcome.MISMATCH, ChamberProbe.judge(header(1000, 0, 0, 0)).outcome());
        assertEquals(ProbeResult.Outcome.MISMATCH, ChamberProbe.judge(ascii("RTSP/1.0 200 OK\r\n")).outcome());
    }

    @Test
    void optionsRequest() {
        assertEquals("OPTIONS rtsps://192.0.2.5:322/streaming/live/1 RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: PandaProxy\r\n\r\n",
                new String(RtspProbe.options("192.0.2.5", 322), StandardCharsets.US_ASCII));
        assertEquals("OPTIONS rtsps://[fd00::5]:322/streaming/live/1 RTSP/1.0",
                new String(RtspProbe.options("fd00::5", 322), StandardCharsets.US_ASCII).lines().findFirst().orElseThrow());
    }

    @Test
    void rtspStatusLine() {
        assertEquals(ProbeResult.Outcome.FOUND, RtspProbe.judge(ascii("RTSP/1.0 200 OK\r\nCSeq: 1\r\n")).outcome());
        assertEquals(ProbeResult.Outcome.FOUND, RtspProbe.judge(ascii("RTSP/1.0 401 Unauthorized\r\n")).outcome());
        assertNull(RtspProbe.judge(ascii("RTS")));
        assertNull(RtspProbe.judge(ascii("RTSP/1.0 200 O")));
    }

    @Test
    void notRtsp() {
        assertEquals(ProbeResult.Outcome.MISMATCH, RtspProbe.judge(ascii("HTTP/1.1 200 OK\r\n")).outcome());
        assertEquals(ProbeResult.Outcome.MISMATCH, RtspProbe.judge(ascii("RTSP/1.0 OK\r\n")).outcome());
        assertEquals(ProbeResult.Outcome.MISMATCH, RtspProbe.judge(header(1000, 0, 1, 0)).outcome());
        assertEquals(ProbeResult.Outcome.MISMATCH, RtspProbe.judge(ascii("RTSP/1.0 200 " + "x".repeat(300))).outcome());
    }
}
