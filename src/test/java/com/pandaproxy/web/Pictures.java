package com.pandaproxy.web;

import com.pandaproxy.printer.H264Keyframe;
import com.pandaproxy.sim.H264Clip;
import com.pandaproxy.testutil.Interop;
import com.pandaproxy.testutil.Programs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Test pictures: the simulator's H.264 clip, its keyframes as ffmpeg decodes them, image comparison. */
final class Pictures {
    static final int CLIP_WIDTH = 640;
    static final int CLIP_HEIGHT = 360;

    private Pictures() {
    }

    /** The simulator's clip (Annex B), as the RTSP demo serves it. */
    static byte[] clip() {
        try (InputStream in = Pictures.class.getResourceAsStream("/sim/testclip.h264")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The keyframes of an Annex B stream: each IDR slice with the parameter sets before it. */
    static List<H264Keyframe> keyframes(byte[] annexB) {
        List<H264Keyframe> keyframes = new ArrayList<>();
        List<byte[]> au = new ArrayList<>();
        for (byte[] nal : H264Clip.nalUnits(annexB)) {
            int type = nal[0] & 0x1F;
            if (type == 1) {
                au.clear();
            } else {
                au.add(nal);
            }
            if (type == 5) {
                keyframes.add(new H264Keyframe(keyframes.size(), au));
                au.clear();
            }
        }
        return keyframes;
    }

    /** Every frame of an Annex B stream as ffmpeg decodes it (RGB), for comparison. */
    static List<BufferedImage> ffmpegFrames(byte[] annexB, int width, int height, String select) throws IOException {
        Path ffmpeg = Interop.require("ffmpeg");
        Path dir = Files.createTempDirectory("pandaproxy-frames");
        Path in = dir.resolve("in.h264");
        Files.write(in, annexB);
        Programs.Run run = Programs.run(List.of(ffmpeg.toString(), "-v", "error", "-i", in.toString(), "-vf", select,
                "-fps_mode", "passthrough", dir.resolve("f%03d.png").toString()), Duration.ofSeconds(60));
        if (!run.ok()) {
            throw new IllegalStateException(run.describe());
        }
        List<BufferedImage> frames = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".png")).sorted().toList()) {
                BufferedImage image = ImageIO.read(p.toFile());
                if (image.getWidth() != width || image.getHeight() != height) {
                    throw new IllegalStateException("ffmpeg gave " + image.getWidth() + "x" + image.getHeight());
                }
                frames.add(image);
            }
        }
        return frames;
    }

    static BufferedImage read(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        if (image == null) {
            throw new IOException("not an image ImageIO can read");
        }
        return image;
    }

    /** Mean absolute difference per colour channel (0-255) of two pictures of one size. */
    static double difference(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return 255;
        }
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                sum += Math.abs((p >> 16 & 255) - (q >> 16 & 255)) + Math.abs((p >> 8 & 255) - (q >> 8 & 255))
                        + Math.abs((p & 255) - (q & 255));
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    /** The smallest difference to any of the candidates. */
    static double closest(BufferedImage picture, List<BufferedImage> candidates) {
        return candidates.stream().mapToDouble(c -> difference(picture, c)).min().orElse(255);
    }
}
