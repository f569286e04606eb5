package com.pandaproxy.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.H264Keyframe;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyframeDecoderTest {
    /** The simulator clip's first keyframe decodes to the picture ffmpeg decodes from it. */
    @Test
    void aKeyframeBecomesTheJpegOfTheSamePicture() throws Exception {
        byte[] clip = Pictures.clip();
        H264Keyframe keyframe = Pictures.firstKeyframe(clip);
        byte[] jpeg = KeyframeDecoder.jpeg(keyframe);
        BufferedImage picture = Pictures.read(jpeg);
        assertEquals(Pictures.CLIP_WIDTH, picture.getWidth());
        assertEquals(Pictures.CLIP_HEIGHT, picture.getHeight());
        BufferedImage reference = Pictures.ffmpegFrames(clip, Pictures.CLIP_WIDTH, Pictures.CLIP_HEIGHT, "select=eq(n\\,0)").get(0);
        double diff = Pictures.difference(picture, reference);
        assertTrue(diff < 4, "mean difference to ffmpeg's decoding: " + diff);
        // and decoding again gives the same (the decoder must not have changed the keyframe's bytes)
        assertEquals(diff, Pictures.difference(Pictures.read(KeyframeDecoder.jpeg(keyframe)), reference), 0.001);
    }

    @Test
    void garbageIsOneSentenceNotACrash() {
        IOException e = assertThrows(IOException.class,
                () -> KeyframeDecoder.jpeg(new H264Keyframe(1, List.of(new byte[] {0x67, 1, 2, 3}, new byte[] {0x65, 9, 9}))));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
        assertThrows(IOException.class, () -> KeyframeDecoder.jpeg(new H264Keyframe(1, List.of(new byte[] {0x65, 1}))));
    }
}
