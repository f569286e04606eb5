package com.pandaproxy.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.testutil.Await;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The RTSP demo's printer behind the proxy: snapshots and MJPEG from its decoded keyframes. */
class RtspSnapshotTest extends WebTestBase {
    private RawHttp.Response snapshot(WebFixture f) throws Exception {
        try (RawHttp http = RawHttp.connect(f.web.port())) {
            http.get("/snapshot.jpg", "Authorization: " + WebFixture.authorization() + "\r\n");
            return http.response();
        }
    }

    /** Compared with ffmpeg's own decoding of the clip's keyframes, not just "a JPEG came". */
    @Test
    void snapshotIsTheTestPatternOfAKeyframe() throws Exception {
        WebFixture f = rtsp();
        RawHttp.Response r = snapshot(f);
        Await.until("a keyframe decoded", WAIT, () -> {
            try {
                return snapshot(f).status() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        r = snapshot(f);
        assertEquals(200, r.status(), r.text());
        assertEquals("image/jpeg", r.header("content-type"));
        BufferedImage picture = Pictures.read(r.body());
        assertEquals(Pictures.CLIP_WIDTH, picture.getWidth());
        assertEquals(Pictures.CLIP_HEIGHT, picture.getHeight());
        List<BufferedImage> keyframes = Pictures.ffmpegFrames(Pictures.clip(), Pictures.CLIP_WIDTH, Pictures.CLIP_HEIGHT,
                "select=eq(pict_type\\,I)");
        assertEquals(4, keyframes.size(), "the clip's keyframes (one a second)");
        double closest = Pictures.closest(picture, keyframes);
        assertTrue(closest < 4, "mean difference to the nearest keyframe as ffmpeg decodes it: " + closest);
        // and not merely close to everything: the keyframes differ from one another by more
        assertTrue(Pictures.difference(keyframes.get(0), keyframes.get(1)) > closest, "keyframes tell apart");
    }

    @Test
    void manyAskingAtOnceCostOneDecode() throws Exception {
        WebFixture f = rtsp();
        Await.until("a keyframe", WAIT, () -> f.printer.latestKeyframe().isPresent());
        long before = f.web.snapshots().decodes();
        long start = System.nanoTime();
        List<CompletableFuture<Snapshots.Result>> asks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            asks.add(f.web.snapshots().latest());
        }
        for (CompletableFuture<Snapshots.Result> a : asks) {
            assertTrue(a.get().jpeg() != null, a.get().problem());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long decodes = f.web.snapshots().decodes() - before;
        assertTrue(decodes <= 1 + (long) seconds, decodes + " decodes in " + seconds + " s");
        assertArrayEquals(asks.get(0).get().jpeg(), asks.get(19).get().jpeg());
    }

    @Test
    void mjpegOfAnRtspCameraIsItsKeyframes() throws Exception {
        WebFixture f = rtsp();
        RawHttp http = closer.add(RawHttp.connect(f.web.port()));
        http.get("/stream.mjpeg", "Authorization: " + WebFixture.authorization() + "\r\n");
        assertEquals(200, http.head().status());
        byte[] first = http.part();
        assertArrayEquals(first, http.part(), "the first picture twice");
        byte[] next = http.part();
        assertFalse(java.util.Arrays.equals(first, next), "a new keyframe's picture");
        assertEquals(Pictures.CLIP_WIDTH, Pictures.read(next).getWidth());
    }

    @Test
    void noDecodingWhileNobodyAsks() throws Exception {
        WebFixture f = rtsp();
        Thread.sleep(2500); // several keyframes go by
        assertEquals(0, f.web.snapshots().decodes());
    }
}
