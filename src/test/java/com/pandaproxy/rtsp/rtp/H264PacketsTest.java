package com.pandaproxy.rtsp.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264PacketsTest {
    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x28};
    private static final byte[] PPS = {0x68, (byte) 0xEB, (byte) 0xE3};

    private static ByteBuf b(int... bytes) {
        byte[] a = new byte[bytes.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) bytes[i];
        }
        return Unpooled.wrappedBuffer(a);
    }

    @Test
    void singleNalUnits() {
        assertEquals(H264Packets.NAL_IDR, H264Packets.nalType(b(0x65, 0x88)));
        assertTrue(H264Packets.startsKeyframe(b(0x65, 0x88)));
        assertTrue(H264Packets.startsKeyframe(b(0x67, 0x64)));
        assertFalse(H264Packets.startsKeyframe(b(0x68, 0xEB)));
        assertFalse(H264Packets.startsKeyframe(b(0x41, 0x9A)));
        assertFalse(H264Packets.startsKeyframe(b(0x06, 0x05)));
        assertTrue(H264Packets.isIdr(b(0x65)));
        assertEquals(-1, H264Packets.nalType(Unpooled.EMPTY_BUFFER));
        assertFalse(H264Packets.startsKeyframe(Unpooled.EMPTY_BUFFER));
    }

    @Test
    void fuA() {
        // FU indicator NRI=3 type 28; FU header S=1 type 5
        ByteBuf start = b(0x7C, 0x85, 0xAA);
        ByteBuf middle = b(0x7C, 0x05, 0xAA);
        ByteBuf end = b(0x7C, 0x45, 0xAA);
        assertEquals(H264Packets.FU_A, H264Packets.packetType(start));
        assertEquals(H264Packets.NAL_IDR, H264Packets.nalType(start));
        assertTrue(H264Packets.isStart(start));
        assertTrue(H264Packets.startsKeyframe(start));
        assertFalse(H264Packets.startsKeyframe(middle));
        assertFalse(H264Packets.startsKeyframe(end));
        assertTrue(H264Packets.isIdr(middle));
        assertFalse(H264Packets.startsKeyframe(b(0x5C, 0x81, 0xAA))); // FU-A start of a non-IDR slice
        assertEquals(-1, H264Packets.nalType(b(0x7C)));
    }

    @Test
    void stapA() {
        byte[] payload = H264Packets.stapA(List.of(SPS, PPS));
        assertArrayEquals(new byte[] {0x78, 0, 4, 0x67, 0x64, 0x00, 0x28, 0, 3, 0x68, (byte) 0xEB, (byte) 0xE3}, payload);
        ByteBuf p = Unpooled.wrappedBuffer(payload);
        assertEquals(H264Packets.STAP_A, H264Packets.packetType(p));
        assertEquals(H264Packets.NAL_SPS, H264Packets.nalType(p));
        assertTrue(H264Packets.stapAContains(p, H264Packets.NAL_PPS));
        assertFalse(H264Packets.stapAContains(p, H264Packets.NAL_IDR));
        assertTrue(H264Packets.startsKeyframe(p));
        // a STAP-A of SEI + IDR begins a keyframe too; a truncated one is not trusted
        assertTrue(H264Packets.startsKeyframe(b(0x78, 0, 2, 0x06, 0x05, 0, 2, 0x65, 0x88)));
        assertFalse(H264Packets.startsKeyframe(b(0x78, 0, 2, 0x06, 0x05, 0, 9, 0x65, 0x88)));
        assertThrows(IllegalArgumentException.class, () -> H264Packets.stapA(List.of(new byte[0])));
    }

    @Test
    void parameterSetsFromSdp() {
        H264Parameters p = H264Parameters.parse("Z0LAHtkDxWhAAAADAEAAAAwDxYuS,aMuMsg==,!!bad!!,");
        assertEquals(1, p.sps().size());
        assertEquals(1, p.pps().size());
        assertEquals(2, p.all().size());
        assertFalse(p.isEmpty());
        assertTrue(H264Parameters.parse("").isEmpty());
    }
}
