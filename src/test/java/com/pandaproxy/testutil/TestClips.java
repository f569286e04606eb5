package com.pandaproxy.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assertions;

/**
 * H.264 clips made by FFmpeg for the simulated printer ({@code RtspSimulator.start(..., clip, fps)}),
 * kept under target/ so they are made once per build tree.
 */
public final class TestClips {
    /** Frame rate of {@link #hd()}. */
    public static final int HD_FPS = 30;

    private TestClips() {
    }

    /**
     * 4 s of 1080p30 at ~4.1 Mbit/s, as an X1 printer sends: an IDR every 2 s (~82 KB; P frames
     * ~16 KB), SPS/PPS before each IDR, one slice per picture, no B-frames. Noise keeps x264 at the
     * bitrate (a plain test pattern would compress to a fraction of it). About 2 MB; made in ~1 s.
     */
    public static Path hd() {
        return make("hd1080p30-4100k.h264", List.of("-f", "lavfi", "-i",
                "testsrc2=size=1920x1080:rate=" + HD_FPS + ",noise=alls=12:allf=t", "-t", "4",
                "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high", "-pix_fmt", "yuv420p",
                "-b:v", "4100k", "-maxrate", "4100k", "-bufsize", "2000k", "-g", "60", "-keyint_min", "60",
                "-sc_threshold", "0", "-bf", "0", "-x264-params", "repeat-headers=1:slices=1", "-f", "h264"));
    }

    private static Path make(String name, List<String> args) {
        Path dir = Path.of("target", "test-clips");
        Path clip = dir.resolve(name);
        if (Files.isRegularFile(clip)) {
            return clip;
        }
        try {
            Files.createDirectories(dir);
            Path part = Files.createTempFile(dir, name, ".part");
            List<String> cmd = new java.util.ArrayList<>(List.of(Interop.require("ffmpeg").toString(), "-nostdin", "-v", "error", "-y"));
            cmd.addAll(args);
            cmd.add(part.toString());
            Programs.Run run = Programs.run(cmd, Duration.ofSeconds(120));
            Assertions.assertTrue(run.ok() && Files.size(part) > 0, run.describe());
            Files.move(part, clip, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return clip;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
