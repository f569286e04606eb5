package com.pandaproxy.bench;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.TestClips;
import com.pandaproxy.testutil.UdpViewer;
import com.pandaproxy.tls.ServerCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * UDP fan-out benchmark (a program, not a test). The proxy (a child JVM, as {@link RtspBenchmark}
 * starts it) and, in the same run, the GStreamer relay ({@link GstRtspRelay}) each relay the
 * simulated printer's 1080p30 ~4.1 Mbit/s stream ({@link TestClips#hd()}, RTSPS, Basic, a fresh
 * simulator per run) to N {@link UdpViewer}s over UDP; once they have watched for a few seconds,
 * J more join one after another, evenly over the measured window. Per run it prints, over that
 * window: RTP packets lost (in all, by how many viewers, most by one), the longest freeze (from
 * the last packet before a loss to the next keyframe, or the longest gap between packets) and the
 * median of the viewers' longest freezes, when the joiners' first packet and first keyframe (a
 * picture) came at the latest, the datagrams the
 * kernel dropped at full receive buffers meanwhile (all sockets: tells losses at the receivers
 * from losses at the server), and the server's CPU per client-minute (client-minutes counted
 * from each viewer's own watching time), CPU % of one core (total and in the kernel) and peak RSS.
 *
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) com.pandaproxy.bench.UdpBenchmark \
 *     [--viewers 10,50] [--joins 8] [--seconds 20] [--servers proxy,gstreamer]
 * </pre>
 */
public final class UdpBenchmark {
    private static final long STAGGER_MILLIS = 100;
    private static final long WARMUP_MILLIS = 5000;

    public static void main(String[] args) throws Exception {
        List<Integer> counts = List.of(10, 50);
        int joins = 8;
        int seconds = 20;
        List<String> servers = List.of("proxy", "gstreamer");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--viewers" -> counts = Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--joins" -> joins = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--servers" -> servers = List.of(args[i + 1].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ServerCertificate.loadOrCreate(RtspBenchmark.CERT_DIR, "127.0.0.1");
        Path clip = TestClips.hd();
        System.out.printf(Locale.ROOT, "machine: %d cores, JDK %s; load before: %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf(Locale.ROOT, "stream: %s at %d fps; viewers: %s receive buffer, RTCP receiver reports every 500 ms; "
                + "%d joins over %d s after a %d s warm-up%n", clip.getFileName(), TestClips.HD_FPS,
                UdpViewer.Options.DEFAULT.receiveBuffer() / 1024 + " KiB", joins, seconds, WARMUP_MILLIS / 1000);
        System.out.println("server     viewers joins   lost  viewers-losing  most-lost  longest-freeze-ms  median-freeze-ms"
                + "  joiner-first-packet-ms  joiner-first-keyframe-ms  rcvbuf-drops  CPU-s/client-min  CPU%   sys%  peak-RSS-MB");
        for (int n : counts) {
            for (String server : servers) {
                run(server, n, joins, seconds, clip);
            }
        }
        System.out.printf("load after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static RtspBenchmark.Server start(String name, RtspSimulator printer) throws Exception {
        return switch (name) {
            case "proxy" -> RtspBenchmark.start(new RtspBenchmark.Setup("default", "openssl", List.of()), printer, false);
            case "gstreamer" -> RtspBenchmark.start(null, printer, false);
            default -> throw new IllegalArgumentException("--servers: proxy or gstreamer, not " + name);
        };
    }

    private static void run(String serverName, int n, int joins, int seconds, Path clip) throws Exception {
        List<UdpViewer> viewers = new ArrayList<>();
        List<UdpViewer> joiners = new ArrayList<>();
        List<Long> joinedAt = new ArrayList<>();
        try (RtspSimulator printer = RtspSimulator.start(0, RtspBenchmark.CODE, RtspSimulator.Auth.BASIC, clip, TestClips.HD_FPS)) {
            printer.redirectPlainUris(false); // for GStreamer's rtspsrc; the same printer for both
            RtspBenchmark.Server server = start(serverName, printer);
            try (AutoCloseable stop = server.stop()) {
                for (int i = 0; i < n; i++) {
                    viewers.add(UdpViewer.play(server.url(), Bambu.USER, RtspBenchmark.CODE, UdpViewer.Options.DEFAULT));
                    Thread.sleep(STAGGER_MILLIS);
                }
                Thread.sleep(WARMUP_MILLIS);
                viewers.forEach(UdpViewer::restartCounting);
                long drops0 = UdpViewer.kernelReceiveBufferDrops();
                RtspBenchmark.Cpu cpu0 = RtspBenchmark.Cpu.of(server.pid());
                long t0 = System.nanoTime();
                long window = seconds * 1_000_000_000L;
                for (int j = 0; j < joins; j++) {
                    sleepUntil(t0 + window * (j + 1) / (joins + 1));
                    joinedAt.add(System.nanoTime());
                    joiners.add(UdpViewer.play(server.url(), Bambu.USER, RtspBenchmark.CODE, UdpViewer.Options.DEFAULT));
                }
                sleepUntil(t0 + window);
                long end = System.nanoTime();
                RtspBenchmark.Cpu used = RtspBenchmark.Cpu.of(server.pid()).minus(cpu0);
                long drops = UdpViewer.kernelReceiveBufferDrops() - drops0;
                double rss = RtspBenchmark.peakRssMb(server.pid());
                List<UdpViewer.Stats> stats = new ArrayList<>();
                viewers.forEach(v -> stats.add(v.stats()));
                joiners.forEach(v -> stats.add(v.stats()));
                double clientMinutes = n * (end - t0) / 60e9;
                for (long at : joinedAt) {
                    clientMinutes += (end - at) / 60e9;
                }
                long lost = stats.stream().mapToLong(UdpViewer.Stats::lost).sum();
                long losing = stats.stream().filter(s -> s.lost() > 0).count();
                long mostLost = stats.stream().mapToLong(UdpViewer.Stats::lost).max().orElse(0);
                long[] freezes = stats.stream().mapToLong(UdpViewer.Stats::longestFreezeMillis).sorted().toArray();
                long firstPacket = joiners.stream().mapToLong(v -> v.stats().firstPacketMillis()).max().orElse(-1);
                long firstKeyframe = joiners.stream().mapToLong(v -> v.stats().firstKeyframeMillis()).max().orElse(-1);
                long elapsed = end - t0;
                System.out.printf(Locale.ROOT, "%-10s %7d %5d %6d %15d %10d %18d %17d %23d %25d %13d %17.3f %5.1f %6.1f %12.1f%n",
                        serverName, n, joins, lost, losing, mostLost, freezes[freezes.length - 1], freezes[freezes.length / 2],
                        firstPacket, firstKeyframe, drops, used.total() / 1e9 / clientMinutes, used.pct(used.total(), elapsed),
                        used.pct(used.sys(), elapsed), rss);
            } finally {
                viewers.forEach(UdpViewer::close);
                joiners.forEach(UdpViewer::close);
            }
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
