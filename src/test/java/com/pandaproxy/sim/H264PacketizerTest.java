package com.pandaproxy.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264PacketizerTest {
    @Test
    void smallNalUnitIsSentWhole() {
        byte[] nal = {0x67, 1, 2, 3};
        List<byte[]> p = H264Packetizer.payloads(nal, 1400);
        assertEquals(1, p.size());
        assertSame(nal, p.get(0));
    }

    @Test
    void largeNalUnitIsFragmentedAsFuAAndReassemblesExactly() {
        byte[] nal = new byte[3001];
        nal[0] = 0x65; // NRI 3, IDR
        for (int i = 1; i < nal.length; i++) {
            nal[i] = (byte) i;
        }
        List<byte[]> p = H264Packetizer.payloads(nal, 1400);
        assertEquals(3, p.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        joined.write(0x65);
        for (int i = 0; i < p.size(); i++) {
            byte[] f = p.get(i);
            assertTrue(f.length <= 1400);
            assertEquals(0x60 | 28, f[0] & 0xFF, "FU indicator keeps NRI, type 28");
            assertEquals(i == 0, (f[1] & 0x80) != 0, "start bit");
            assertEquals(i == p.size() - 1, (f[1] & 0x40) != 0, "end bit");
            assertEquals(5, f[1] & 0x1F, "original type");
            joined.write(f, 2, f.length - 2);
        }
        assertArrayEquals(nal, joined.toByteArray());
    }
}
