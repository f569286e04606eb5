package com.pandaproxy.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TestPatternTest {
    @Test
    void drawsAReadableJpegStampedWithItsNumber() throws Exception {
        byte[] jpeg = new TestPattern(320, 180).render(41, "12:00:00.0");
        assertEquals(0xFF, jpeg[0] & 0xff);
        assertEquals(0xD8, jpeg[1] & 0xff);
        assertEquals(0xFF, jpeg[2] & 0xff);
        assertEquals(0xE0, jpeg[3] & 0xff);
        assertEquals(0xD9, jpeg[jpeg.length - 1] & 0xff);
        assertEquals(41, ChamberSimulator.frameNumber(jpeg));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertEquals(320, image.getWidth());
        assertEquals(180, image.getHeight());
    }

    @Test
    void restampingKeepsTheSizeAndChangesOnlyTheNumber() {
        byte[] jpeg = new TestPattern(64, 36).render(1, "x");
        byte[] again = TestPattern.stamp(jpeg, 7_000_000_000L);
        assertEquals(jpeg.length, again.length);
        assertEquals(7_000_000_000L, ChamberSimulator.frameNumber(again));
        assertArrayEquals(jpeg, TestPattern.stamp(again, 1));
        assertTrue(ChamberSimulator.frameNumber(new byte[] {(byte) 0xFF, (byte) 0xD8}) < 0);
    }
}
