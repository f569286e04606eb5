package com.pandaproxy.bench;

import com.pandaproxy.printer.H264Keyframe;
import com.pandaproxy.sim.H264Clip;
import com.pandaproxy.web.KeyframeDecoder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The snapshot part of {@link WebBenchmark}: a 1080p H.264 keyframe (ffmpeg's testsrc2, High profile,
 * as an X1's camera sends) decoded and JPEG-encoded once a second, as for someone asking for snapshots,
 * in a JVM of its own with the given flags; prints the times and the memory the decoding adds
 * (peak RSS and heap after against before).
 */
public final class SnapshotChild {
    private static final int ROUNDS = 10;

    private SnapshotChild() {
    }

    /** Makes the keyframe with ffmpeg and runs this class in a child JVM with the flag set. */
    static void run(String jar, String flags) throws Exception {
        Path keyframe = Files.createTempFile(Path.of("target"), "keyframe-1080p", ".h264");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=15",
                "-frames:v", "1", "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-b:v", "4M",
                "-f", "h264", keyframe.toString()).redirectErrorStream(true).start();
        String out = new String(ffmpeg.getInputStream().readAllBytes());
        if (ffmpeg.waitFor() != 0) {
            throw new IllegalStateException("ffmpeg: " + out);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (flags.equals("docker")) {
            command.addAll(ChamberBenchmark.dockerFlags());
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SnapshotChild.class.getName(), keyframe.toString(), flags));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        if (flags.equals("docker")) {
            builder.environment().putAll(ChamberBenchmark.dockerEnv());
        }
        Process child = builder.start();
        if (!child.waitFor(5, TimeUnit.MINUTES) || child.exitValue() != 0) {
            child.destroyForcibly();
            throw new IllegalStateException("the snapshot child failed");
        }
    }

    public static void main(String[] args) throws Exception {
        byte[] stream = Files.readAllBytes(Path.of(args[0]));
        H264Keyframe keyframe = new H264Keyframe(1, H264Clip.nalUnits(stream));
        System.gc();
        double rssBefore = ChamberBenchmark.peakRssMb(ProcessHandle.current().pid());
        double heapBefore = heapUsedMb();
        KeyframeDecoder decoder = new KeyframeDecoder();
        List<Double> times = new ArrayList<>();
        int size = 0;
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            size = decoder.jpeg(keyframe).length;
            times.add((System.nanoTime() - start) / 1e6);
            Thread.sleep(Math.max(0, 1000 - (long) times.get(i).doubleValue()));
        }
        double rssAfter = ChamberBenchmark.peakRssMb(ProcessHandle.current().pid());
        List<Double> warm = new ArrayList<>(times.subList(1, times.size()));
        warm.sort(null);
        System.out.printf(Locale.ROOT, "snapshot 1080p, %s flags: first %.0f ms, then p50 %.0f / max %.0f ms; JPEG %d KB; "
                        + "peak RSS %.1f -> %.1f MB (+%.1f); heap peak %.1f MB (%.1f before)%n",
                args[1], times.get(0), warm.get(warm.size() / 2), warm.get(warm.size() - 1), size / 1024,
                rssBefore, rssAfter, rssAfter - rssBefore, heapPeakMb(), heapBefore);
    }

    private static double heapUsedMb() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) / 1e6;
    }

    private static double heapPeakMb() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / 1e6;
    }
}
