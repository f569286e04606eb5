package com.pandaproxy.bench;

import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.tls.ServerCertificate;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The web server's benchmark (a program, not a test), in three parts:
 * <ol>
 *   <li>MJPEG fan-out: the simulated chamber printer (15 fps, 1280×720, as {@link ChamberBenchmark})
 *   behind the proxy run from target/pandaproxy.jar as a separate JVM, N plain-HTTP MJPEG viewers
 *   here. Per N: proxy CPU per 1000 viewer-frames (compare with ChamberBenchmark's TLS figure for the
 *   same N), added latency (a viewer has the whole picture − the simulator handed the frame's last
 *   byte to its socket, same clock), first picture for a viewer that joins while N watch.</li>
 *   <li>The whole proxy's peak RSS with the page open (GET /, then /api/status every second, as the
 *   page's script does) and 10 viewers, with the image's flags ({@code --flags docker}: the Dockerfile's
 *   JAVA_OPTS, MALLOC_ARENA_MAX and class-data archive, as ChamberBenchmark).</li>
 *   <li>Snapshot of a 1080p keyframe ({@link SnapshotChild} in a JVM of its own with the same flags):
 *   decode + JPEG time, and the memory it adds.</li>
 * </ol>
 *
 * <pre>
 * ./mvnw -q -DskipTests package && ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) com.pandaproxy.bench.WebBenchmark \
 *     [--viewers 1,10,100] [--seconds 10] [--flags default,docker] [--snapshot true] [--jvm "extra proxy JVM flags"]
 * </pre>
 */
public final class WebBenchmark {
    static final String CODE = ChamberBenchmark.CODE;
    /** More JVM flags for the proxy (after the flag set), e.g. to try a setting. */
    private static List<String> extraFlags = List.of();

    private WebBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = List.of(1, 10, 100);
        int seconds = 10;
        List<String> flagSets = List.of("default", "docker");
        boolean snapshot = true;
        String jar = "target/pandaproxy.jar";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--viewers" -> counts = Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--flags" -> flagSets = List.of(args[i + 1].split(","));
                case "--snapshot" -> snapshot = Boolean.parseBoolean(args[i + 1]);
                case "--jar" -> jar = args[i + 1];
                case "--jvm" -> extraFlags = List.of(args[i + 1].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "machine: %d cores, %s, JDK %s, load %s%n", Runtime.getRuntime().availableProcessors(),
                ChamberBenchmark.cpuModel(), System.getProperty("java.version"), Files.readString(Path.of("/proc/loadavg")).trim());
        ChamberSimulator sim = ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(15, 1280, 720, 15));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            System.out.println("flags      N  p50 ms  p99 ms  CPU s/1000 viewer-frames  viewer MB/s  first picture p50/max ms  peak RSS MB");
            for (String flags : flagSets) {
                mjpeg(jar, flags, sim, group, counts, seconds);
            }
            if (snapshot) {
                for (String flags : flagSets) {
                    SnapshotChild.run(jar, flags);
                }
            }
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
            sim.close();
        }
    }

    private static void mjpeg(String jar, String flags, ChamberSimulator sim, EventLoopGroup group, List<Integer> counts,
            int seconds) throws Exception {
        int chamberPort = FreePort.get();
        int httpPort = FreePort.get();
        Files.createDirectories(Path.of("target"));
        Path dataDir = Files.createTempDirectory(Path.of("target"), "bench-web-");
        ServerCertificate.loadOrCreate(dataDir, "127.0.0.1");
        Path log = dataDir.resolve("proxy.log");
        Process proxy = ChamberBenchmark.startProxy(jar, flags, extraFlags, List.of("--printer-ip", "127.0.0.1",
                "--printer-chamber-port", String.valueOf(sim.port()), "--access-code", CODE, "--camera", "chamber",
                "--bind", "127.0.0.1", "--chamber-port", String.valueOf(chamberPort), "--http-port", String.valueOf(httpPort),
                "--data-dir", dataDir.toString(), "--max-clients", "1000"), log);
        ScheduledExecutorService page = Executors.newSingleThreadScheduledExecutor();
        try {
            openPage(page, httpPort);
            for (int n : counts) {
                measure(flags, n, httpPort, proxy.pid(), sim, group, seconds);
            }
        } finally {
            page.shutdownNow();
            proxy.destroy();
            proxy.waitFor(5, TimeUnit.SECONDS);
            proxy.destroyForcibly();
        }
    }

    /** What the open page asks: itself once, then the status every second. */
    private static void openPage(ScheduledExecutorService page, int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString(("bblp:" + CODE).getBytes(StandardCharsets.UTF_8));
        for (String path : List.of("/", "/page.css", "/page.js")) {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + ": " + r.statusCode());
            }
        }
        page.scheduleAtFixedRate(() -> {
            try {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
                        .header("Authorization", auth).build(), HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                System.out.println("status poll failed: " + e);
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    private static void measure(String flags, int n, int port, long pid, ChamberSimulator sim, EventLoopGroup group,
            int seconds) throws Exception {
        ChamberBenchmark.Recorder recorder = new ChamberBenchmark.Recorder(sim);
        List<MjpegViewerClient> viewers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MjpegViewerClient v = new MjpegViewerClient(group, port, "bblp", CODE, recorder::frame);
            v.firstPicture.get(10, TimeUnit.SECONDS);
            viewers.add(v);
        }
        Thread.sleep(3000); // warm-up
        recorder.reset();
        long cpuBefore = ChamberBenchmark.cpuTicks(pid);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpuTicks = ChamberBenchmark.cpuTicks(pid) - cpuBefore;
        double elapsed = (System.nanoTime() - start) / 1e9;
        ChamberBenchmark.Recorder.Snapshot s = recorder.snapshot();
        List<Double> first = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            MjpegViewerClient j = new MjpegViewerClient(group, port, "bblp", CODE, (a, b, c) -> { });
            first.add(j.firstPicture.get(10, TimeUnit.SECONDS));
            j.channel.close().syncUninterruptibly();
            Thread.sleep(150);
        }
        for (MjpegViewerClient v : viewers) {
            v.channel.close().syncUninterruptibly();
        }
        double cpuSeconds = cpuTicks / 100.0;
        first.sort(null);
        System.out.printf(Locale.ROOT, "%-7s %4d  %6.2f  %6.2f  %24.3f  %11.1f  %12.1f / %6.1f  %11.1f%n",
                flags, n, s.p(0.50), s.p(0.99), s.frames() == 0 ? Double.NaN : cpuSeconds * 1000 / s.frames(),
                s.bytes() / elapsed / 1e6, first.get(first.size() / 2), first.get(first.size() - 1), ChamberBenchmark.peakRssMb(pid));
        System.out.flush();
    }
}
