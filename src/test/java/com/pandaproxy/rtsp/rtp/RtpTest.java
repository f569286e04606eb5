package com.pandaproxy.rtsp.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpTest {
    // V=2, X=1, CC=1, M=1, PT=96, seq=0xABCD, ts=0x01020304, ssrc=0xDEADBEEF, csrc, ext(1 word), payload 3 bytes
    private static final byte[] PACKET = {
        (byte) 0x91, (byte) 0xE0, (byte) 0xAB, (byte) 0xCD, 1, 2, 3, 4, (byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF,
        0, 0, 0, 9,
        (byte) 0xBE, (byte) 0xDE, 0, 1, 1, 2, 3, 4,
        0x65, 0x11, 0x22};

    @Test
    void parsesHeader() {
        ByteBuf p = Unpooled.wrappedBuffer(PACKET);
        assertTrue(Rtp.isValid(p));
        assertEquals(2, Rtp.version(p));
        assertTrue(Rtp.marker(p));
        assertEquals(96, Rtp.payloadType(p));
        assertEquals(0xABCD, Rtp.sequence(p));
        assertEquals(0x01020304L, Rtp.timestamp(p));
        assertEquals(0xDEADBEEFL, Rtp.ssrc(p));
        assertEquals(1, Rtp.csrcCount(p));
        assertEquals(24, Rtp.headerLength(p));
        assertArrayEquals(new byte[] {0x65, 0x11, 0x22}, ByteBufUtil.getBytes(Rtp.payload(p)));
    }

    @Test
    void rewritesInPlaceWithoutTouchingTheRest() {
        ByteBuf p = Unpooled.copiedBuffer(PACKET);
        p.readerIndex(0);
        Rtp.rewrite(p, 0xFFFF, 0xFFFFFFFFL, 0x12345678L);
        assertEquals(0xFFFF, Rtp.sequence(p));
        assertEquals(0xFFFFFFFFL, Rtp.timestamp(p));
        assertEquals(0x12345678L, Rtp.ssrc(p));
        assertTrue(Rtp.marker(p));
        assertEquals(96, Rtp.payloadType(p));
        byte[] after = ByteBufUtil.getBytes(p);
        for (int i = 12; i < PACKET.length; i++) {
            assertEquals(PACKET[i], after[i]);
        }
        // a copy of the 12-byte header only, as the relay may do per packet
        ByteBuf header = p.copy(0, Rtp.FIXED_HEADER);
        Rtp.setSequence(header, 1);
        assertEquals(0xFFFF, Rtp.sequence(p));
        assertEquals(1, Rtp.sequence(header));
    }

    @Test
    void rejectsTruncatedAndWrongVersion() {
        assertFalse(Rtp.isValid(Unpooled.wrappedBuffer(new byte[11])));
        byte[] v1 = PACKET.clone();
        v1[0] = 0x40;
        assertFalse(Rtp.isValid(Unpooled.wrappedBuffer(v1)));
        assertFalse(Rtp.isValid(Unpooled.wrappedBuffer(PACKET, 0, 20)));
        byte[] badPadding = PACKET.clone();
        badPadding[0] |= 0x20;
        badPadding[badPadding.length - 1] = 100;
        assertFalse(Rtp.isValid(Unpooled.wrappedBuffer(badPadding)));
        badPadding[badPadding.length - 1] = 0; // the count includes itself: never 0
        assertFalse(Rtp.isValid(Unpooled.wrappedBuffer(badPadding)));
        // padding flagged on a packet that is all header: its "count" would be the SSRC's last byte,
        // which a relay rewrites (found by RelayFuzzTest: a client got a packet that was not RTP)
        byte[] headerOnly = java.util.Arrays.copyOf(PACKET, 12);
        headerOnly[0] |= 0x20;
        headerOnly[11] = 0;
        assertFalse(Rtp.isValid(Unpooled.wrappedBuffer(headerOnly)));
        badPadding[badPadding.length - 1] = 1;
        assertTrue(Rtp.isValid(Unpooled.wrappedBuffer(badPadding)), "one octet of padding");
        assertThrows(IllegalArgumentException.class, () -> Rtp.headerLength(Unpooled.wrappedBuffer(PACKET, 0, 20)));
    }

    @Test
    void buildsPackets() {
        ByteBuf p = Rtp.build(UnpooledByteBufAllocator.DEFAULT, 96, false, 7, 90000, 42, new byte[] {0x67, 1});
        assertArrayEquals(new byte[] {(byte) 0x80, 96, 0, 7, 0, 1, 0x5f, (byte) 0x90, 0, 0, 0, 42, 0x67, 1}, ByteBufUtil.getBytes(p));
        p.release();
    }

    @Test
    void rtcpSenderReportAndTypes() {
        long ntp = Rtcp.ntp(1_764_072_000_500L);
        assertEquals(1_764_072_000_500L, Rtcp.epochMillis(ntp));
        assertEquals(0x80000000L, ntp & 0xFFFFFFFFL);
        ByteBuf sr = Rtcp.senderReport(UnpooledByteBufAllocator.DEFAULT, 0xCAFEBABEL, ntp, 123456, 10, 1000);
        assertEquals(28, sr.readableBytes());
        assertEquals(List.of(Rtcp.SR), Rtcp.packetTypes(sr));
        Rtcp.SenderInfo info = Rtcp.senderInfo(sr);
        assertEquals(new Rtcp.SenderInfo(0xCAFEBABEL, ntp, 123456, 10, 1000), info);
        sr.release();
        // a receiver report (no blocks) + SDES CNAME, as clients send
        ByteBuf compound = Unpooled.wrappedBuffer(new byte[] {
            (byte) 0x80, (byte) 201, 0, 1, 1, 2, 3, 4,
            (byte) 0x81, (byte) 202, 0, 2, 1, 2, 3, 4, 1, 1, 'x', 0});
        assertEquals(List.of(Rtcp.RR, Rtcp.SDES), Rtcp.packetTypes(compound));
        assertEquals(Rtcp.RR, Rtcp.firstType(compound));
        assertNull(Rtcp.senderInfo(compound));
        assertThrows(IllegalArgumentException.class, () -> Rtcp.packetTypes(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 201, 0, 5})));
        assertEquals(-1, Rtcp.firstType(Unpooled.wrappedBuffer(new byte[] {1, 2})));
    }
}
