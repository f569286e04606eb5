package com.pandaproxy.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * RTSP players nobody on the team wrote (FFmpeg, GStreamer, VLC), each run against a URL with a
 * bounded timeout, and a verdict on whether it decoded H.264 video. Each method first calls
 * {@link Interop#require}, so a missing program skips locally and fails in CI.
 */
public final class RtspPlayers {
    /** RTP lower transport the player is told to use. */
    public enum Transport { TCP, UDP }

    private static final Duration TIMEOUT = Duration.ofSeconds(25);
    private static final Pattern FRAME = Pattern.compile("(?m)^frame=(\\d+)");
    private static final Pattern MISSED = Pattern.compile("RTP: missed (\\d+) packets");
    private static final Pattern GST_STATS = Pattern.compile("STATS pushed=(\\d+) lost=(\\d+) late=\\d+ duplicates=\\d+ pictures=(\\d+)");

    private RtspPlayers() {
    }

    /** ffprobe finds one H.264 video stream with a size. */
    public static void assertFfprobeSeesH264(String url, Transport transport) {
        Programs.Run run = Programs.run(List.of(Interop.require("ffprobe").toString(),
                "-v", "error", "-rtsp_transport", lower(transport),
                "-show_entries", "stream=codec_type,codec_name,width,height", "-of", "default=nw=1", url), TIMEOUT);
        Assertions.assertTrue(run.ok() && run.output().contains("codec_name=h264")
                && run.output().contains("codec_type=video") && !run.output().contains("width=0"), run.describe());
    }

    /** ffprobe finds exactly these streams, in this order (codec names such as "h264", "aac"). */
    public static void assertFfprobeSeesStreams(String url, Transport transport, List<String> codecs) {
        Programs.Run run = Programs.run(List.of(Interop.require("ffprobe").toString(),
                "-v", "error", "-rtsp_transport", lower(transport),
                "-show_entries", "stream=codec_name", "-of", "default=nw=1:nk=1", url), TIMEOUT);
        Assertions.assertTrue(run.ok(), run.describe());
        Assertions.assertEquals(codecs, run.output().lines().map(String::trim).filter(l -> !l.isEmpty()).toList(), run.describe());
    }

    /** ffmpeg decodes at least {@code frames} video frames (to the null muxer). */
    public static void assertFfmpegDecodes(String url, Transport transport, int frames) {
        ffmpeg(url, transport, frames);
    }

    /**
     * Like {@link #assertFfmpegDecodes}, and the decoder reported nothing wrong: the stream began
     * at a keyframe with its parameter sets and lost nothing (no concealment, no missing PPS).
     */
    public static void assertFfmpegDecodesCleanly(String url, Transport transport, int frames) {
        Programs.Run run = ffmpeg(url, transport, frames);
        List<String> complaints = run.output().lines().filter(l -> !l.contains("=")).toList();
        Assertions.assertTrue(complaints.isEmpty(), "decoder complaints: " + complaints);
    }

    private static Programs.Run ffmpeg(String url, Transport transport, int frames) {
        Programs.Run run = Programs.run(List.of(Interop.require("ffmpeg").toString(),
                "-nostdin", "-v", "error", "-nostats", "-progress", "pipe:1", "-rtsp_transport", lower(transport), "-i", url,
                "-an", "-frames:v", String.valueOf(frames), "-f", "null", "-"), TIMEOUT);
        int decoded = 0;
        Matcher m = FRAME.matcher(run.output());
        while (m.find()) {
            decoded = Math.max(decoded, Integer.parseInt(m.group(1)));
        }
        Assertions.assertTrue(run.ok() && decoded >= frames, "decoded " + decoded + " frames; " + run.describe());
        return run;
    }

    /**
     * GStreamer's rtspsrc → rtph264depay → avdec_h264 hands {@code frames} decoded pictures to a
     * fakesink (counted from its chain messages). TLS certificates are not verified (self-signed).
     */
    public static void assertGstreamerDecodes(String url, String user, String password, Transport transport, int frames) {
        List<String> cmd = new ArrayList<>(List.of(Interop.require("gst-launch-1.0").toString(), "-v",
                "rtspsrc", "location=" + url, "protocols=" + lower(transport), "tls-validation-flags=0", "latency=0"));
        if (user != null) {
            cmd.add("user-id=" + user);
            cmd.add("user-pw=" + password);
        }
        cmd.addAll(List.of("!", "rtph264depay", "!", "avdec_h264", "!",
                "fakesink", "silent=false", "num-buffers=" + frames));
        Programs.Run run = Programs.run(cmd, TIMEOUT);
        long chains = run.output().lines().filter(l -> l.contains("last-message = chain")).count();
        // Known GStreamer quirk: after EOS, rtspsrc sends PAUSE while flushing its own connection;
        // over TLS that send can fail with "Received end-of-file" and gst-launch exits 1, though
        // the TEARDOWN that follows goes through. Only errors before EOS count.
        String output = run.output();
        int eos = output.indexOf("Got EOS from element");
        boolean cleanUntilEos = eos >= 0 && !output.substring(0, eos).contains("ERROR:");
        Assertions.assertTrue(!run.timedOut() && (run.exit() == 0 || cleanUntilEos) && chains >= frames,
                "decoded " + chains + " pictures; " + run.describe());
    }

    /**
     * VLC decodes video: its scene filter writes decoded pictures as PNG files. Debian builds VLC
     * without live555, its only RTSP client; then this aborts (skips) with that reason, also in CI.
     */
    public static void assertVlcDecodes(String url, Transport transport) {
        Path cvlc = Interop.require("cvlc");
        if (!vlcHasLive555()) {
            Assumptions.abort("VLC here has no RTSP client: Debian builds VLC without live555 "
                + "(no liblive555_plugin), so VLC cannot open rtsp:// URLs at all");
        }
        List<String> cmd = new ArrayList<>();
        if (isRoot()) {
            // VLC refuses to run as root
            cmd.addAll(List.of(Interop.require("runuser").toString(), "-u", "nobody", "--"));
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("pandaproxy-vlc", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cmd.addAll(List.of(cvlc.toString(), "-I", "dummy", "-V", "dummy", "--no-audio", "--play-and-exit", "--run-time=6",
                transport == Transport.TCP ? "--rtsp-tcp" : "--no-rtsp-tcp",
                "--video-filter=scene", "--scene-format=png", "--scene-ratio=5", "--scene-prefix=f",
                "--scene-path=" + dir, url, "vlc://quit"));
        Programs.Run run = Programs.run(cmd, TIMEOUT);
        try (Stream<Path> files = Files.list(dir)) {
            long pictures = files.filter(f -> f.toString().endsWith(".png")).count();
            Assertions.assertTrue(pictures > 0, "VLC wrote no decoded picture; " + run.describe());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a player left running over UDP found missing: RTP packets it counted (-1 where it does
     * not say), packets it reported lost, and pictures (frames) it got.
     */
    public record UdpLoss(String player, long packets, long lost, long pictures, String log) {
    }

    /**
     * FFmpeg plays {@code url} over UDP for {@code length} (copying the video to the null muxer, no
     * decoding); lost = the sum of its "RTP: missed N packets" warnings. Started at once, in the background.
     */
    public static CompletableFuture<UdpLoss> ffmpegUdpLoss(String url, Duration length) {
        List<String> cmd = List.of(Interop.require("ffmpeg").toString(), "-nostdin", "-v", "warning", "-nostats",
                "-progress", "pipe:1", "-rtsp_transport", "udp", "-i", url, "-t", String.valueOf(length.toSeconds()),
                "-map", "0:v", "-c", "copy", "-f", "null", "-");
        return CompletableFuture.supplyAsync(() -> {
            Programs.Run run = Programs.run(cmd, length.plus(TIMEOUT));
            Assertions.assertTrue(run.ok(), run.describe());
            long lost = 0;
            Matcher m = MISSED.matcher(run.output());
            while (m.find()) {
                lost += Long.parseLong(m.group(1));
            }
            long frames = 0;
            m = FRAME.matcher(run.output());
            while (m.find()) {
                frames = Math.max(frames, Long.parseLong(m.group(1)));
            }
            // its warnings, without the progress lines (key=value)
            String warnings = String.join("\n", run.output().lines().filter(l -> !l.matches("^[a-z_0-9]+=.*")).toList());
            return new UdpLoss("ffmpeg", -1, lost, frames, warnings);
        });
    }

    /**
     * GStreamer's rtspsrc plays {@code url} over UDP for {@code length} (src/test/resources/gst-udp-viewer.py);
     * lost and packets are its jitter buffer's own counts. Started at once, in the background.
     */
    public static CompletableFuture<UdpLoss> gstreamerUdpLoss(String url, String user, String password, Duration length) {
        Path python = GstRtspServerProcess.pythonWithGstRtspServer();
        Path script;
        try {
            script = Files.createTempFile("gst-udp-viewer", ".py");
            try (var in = RtspPlayers.class.getResourceAsStream("/gst-udp-viewer.py")) {
                Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = List.of(python.toString(), script.toString(), url, "--user", user, "--password", password,
                "--seconds", String.valueOf(length.toSeconds()));
        return CompletableFuture.supplyAsync(() -> {
            try {
                Programs.Run run = Programs.run(cmd, length.plus(TIMEOUT));
                Matcher m = GST_STATS.matcher(run.output());
                Assertions.assertTrue(run.ok() && m.find(), run.describe());
                return new UdpLoss("gstreamer", Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3)), run.describe());
            } finally {
                try {
                    Files.deleteIfExists(script);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        });
    }

    /** Whether VLC has its live555 RTSP module: from {@code cvlc --list}, or the plugin file when VLC will not run as root. */
    static boolean vlcHasLive555() {
        if (!isRoot()) {
            Programs.Run list = Programs.run(List.of("cvlc", "--list"), TIMEOUT);
            if (list.ok()) {
                return list.output().contains("live555");
            }
        }
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu/vlc/plugins", "/usr/lib/aarch64-linux-gnu/vlc/plugins",
                "/usr/lib/vlc/plugins", "/usr/lib64/vlc/plugins")) {
            if (Files.exists(Path.of(dir, "access", "liblive555_plugin.so")) || Files.exists(Path.of(dir, "demux", "liblive555_plugin.so"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String lower(Transport t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
