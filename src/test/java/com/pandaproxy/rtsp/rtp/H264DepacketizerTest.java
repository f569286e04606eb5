package com.pandaproxy.rtsp.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264DepacketizerTest {
    private static ByteBuf b(int... bytes) {
        byte[] a = new byte[bytes.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) bytes[i];
        }
        return Unpooled.wrappedBuffer(a);
    }

    private static List<byte[]> nals(int max, ByteBuf... payloads) {
        return H264Depacketizer.nalUnits(List.of(payloads), max);
    }

    @Test
    void singleStapAAndFuA() {
        List<byte[]> out = nals(1000,
                b(0x67, 1, 2),                                  // SPS, single
                b(0x18, 0, 2, 0x68, 9, 0, 1, 0x06),            // STAP-A: PPS, SEI
                b(0x7C, 0x85, 1, 2), b(0x7C, 0x05, 3), b(0x7C, 0x45, 4)); // FU-A IDR in three
        assertEquals(4, out.size());
        assertArrayEquals(new byte[] {0x67, 1, 2}, out.get(0));
        assertArrayEquals(new byte[] {0x68, 9}, out.get(1));
        assertArrayEquals(new byte[] {0x06}, out.get(2));
        assertArrayEquals(new byte[] {0x65, 1, 2, 3, 4}, out.get(3));
    }

    @Test
    void malformedPartsAreDropped() {
        // fragments whose start was lost, a STAP-A whose size runs past its end, an empty payload, FU-A too short
        List<byte[]> out = nals(1000, b(0x7C, 0x05, 3), b(0x7C, 0x45, 4), b(0x18, 0, 9, 0x68), b(), b(0x7C),
                b(0x41, 7));
        assertEquals(1, out.size());
        assertArrayEquals(new byte[] {0x41, 7}, out.get(0));
    }

    @Test
    void boundedInSize() {
        List<byte[]> out = nals(4, b(0x41, 1, 2), b(0x41, 3, 4), b(0x7C, 0x85, 1, 2), b(0x7C, 0x45, 3));
        assertEquals(1, out.size(), "the second unit and the fragments would pass the bound");
    }
}
