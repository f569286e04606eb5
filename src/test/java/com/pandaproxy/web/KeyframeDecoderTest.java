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
    /** Each of the simulator clip's keyframes decodes, with one decoder, to the picture ffmpeg decodes from it. */
    @Test
    void keyframesBecomeJpegsOfTheSamePictures() throws Exception {
        byte[] clip = Pictures.clip();
        List<H264Keyframe> keyframes = Pictures.keyframes(clip);
        List<BufferedImage> references = Pictures.ffmpegFrames(clip, Pictures.CLIP_WIDTH, Pictures.CLIP_HEIGHT,
                "select=eq(pict_type\\,I)");
        assertEquals(references.size(), keyframes.size());
        KeyframeDecoder decoder = new KeyframeDecoder();
        for (int i = 0; i < keyframes.size(); i++) {
            BufferedImage picture = Pictures.read(decoder.jpeg(keyframes.get(i)));
            assertEquals(Pictures.CLIP_WIDTH, picture.getWidth());
            assertEquals(Pictures.CLIP_HEIGHT, picture.getHeight());
            double diff = Pictures.difference(picture, references.get(i));
            assertTrue(diff < 4, "keyframe " + i + ": mean difference to ffmpeg's decoding: " + diff);
        }
        // the same keyframe again gives the same picture (the decoder must not have changed its bytes)
        BufferedImage again = Pictures.read(decoder.jpeg(keyframes.get(0)));
        assertTrue(Pictures.difference(again, references.get(0)) < 4);
    }

    @Test
    void garbageIsOneSentenceNotACrash() {
        IOException e = assertThrows(IOException.class,
                () -> new KeyframeDecoder().jpeg(new H264Keyframe(1, List.of(new byte[] {0x67, 1, 2, 3}, new byte[] {0x65, 9, 9}))));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
        assertThrows(IOException.class, () -> new KeyframeDecoder().jpeg(new H264Keyframe(1, List.of(new byte[] {0x65, 1}))));
    }
}
