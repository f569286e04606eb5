package com.pandaproxy.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264ClipTest {
    @Test
    void committedClipIsFourSecondsWithAnIdrEverySecondAndInBandParameterSets() {
        H264Clip clip = H264Clip.load();
        assertEquals(4 * H264Clip.FPS, clip.frames().size());
        for (int i = 0; i < clip.frames().size(); i++) {
            H264Clip.Frame f = clip.frames().get(i);
            assertEquals(i % H264Clip.FPS == 0, f.idr(), "frame " + i);
            if (f.idr()) {
                assertEquals(H264Clip.NAL_SPS, f.nals().get(0)[0] & 0x1F);
                assertEquals(H264Clip.NAL_PPS, f.nals().get(1)[0] & 0x1F);
            }
        }
        assertEquals("42C01E", clip.profileLevelId());
        assertTrue(clip.spropParameterSets().matches("Z[A-Za-z0-9+/=]+,aM[A-Za-z0-9+/=]+"), clip.spropParameterSets());
    }

    @Test
    void cutsAnnexBWithThreeAndFourByteStartCodes() {
        byte[] sps = {0x67, 0x42, (byte) 0xC0, 0x1E, 0x01};
        byte[] pps = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
        byte[] idr = {0x65, (byte) 0x88, 0x00, 0x10};
        byte[] p = {0x41, (byte) 0x9A, 0x02};
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (byte[] nal : List.of(sps, pps, idr, p)) {
            s.writeBytes(nal == pps ? new byte[] {0, 0, 1} : new byte[] {0, 0, 0, 1});
            s.writeBytes(nal);
        }
        H264Clip clip = H264Clip.parse(s.toByteArray());
        assertEquals(2, clip.frames().size());
        assertArrayEquals(idr, clip.frames().get(0).nals().get(2));
        assertArrayEquals(p, clip.frames().get(1).nals().get(0));
        assertEquals("42C01E", clip.profileLevelId());
    }

    @Test
    void rejectsAStreamThatDoesNotStartWithAKeyframe() {
        assertThrows(IllegalArgumentException.class, () -> H264Clip.parse(new byte[] {0, 0, 1, 0x41, 1}));
    }
}
