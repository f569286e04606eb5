package com.pandaproxy.bench;

import com.pandaproxy.app.NettyDefaults;
import com.pandaproxy.app.SmallHeap;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.RtspProxy;
import com.pandaproxy.rtsp.RtspUpstream;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RTSP relay benchmark (a program, not a test). The proxy runs in a child JVM fed by
 * {@link SyntheticCamera} (1080p-like, 30 fps, ~4 Mbit/s) with the TLS engine the product picks
 * ({@link Tls#defaultProvider()}: BoringSSL when netty-tcnative loads) or the JDK's; this JVM plays
 * it with N TCP clients (plain RTSP or RTSPS) and prints, per run: added latency p50/p99 per packet
 * (creation in the proxy's upstream to arrival at a client), the proxy's CPU (total, and over the
 * same proxy with the camera running and no client), its peak RSS, the time to the first keyframe
 * packet for a client joining mid-stream, and the ratio of the proxy's CPU time to the time
 * AES-128-GCM ({@code openssl speed}) needs for the bytes sent.
 *
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) com.pandaproxy.bench.RtspBenchmark \
 *     [--clients 1,10,50] [--seconds 20] [--tls no,yes] [--engines openssl,jdk] [--flags default,docker] [--jvm "more flags"]
 * </pre>
 */
public final class RtspBenchmark {
    static final String CODE = "24681357";
    /** Made by the parent, read by each child: a child starts like the product on every start after its first. */
    static final Path CERT_DIR = Path.of("target", "bench-rtsp-certificate");
    private static final String JAR = "target/pandaproxy.jar";
    private static final int WARMUP_MILLIS = 5000;

    /** One proxy configuration: JVM flag set and TLS engine. */
    record Setup(String flags, String engine, List<String> extraFlags) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("proxy")) {
            NettyDefaults.apply(); // as Main does, before Netty loads: the product's runtime settings
            runProxy(args.length > 1 ? Integer.parseInt(args[1]) : 0);
            return;
        }
        ServerCertificate.loadOrCreate(CERT_DIR, "127.0.0.1");
        List<Integer> counts = List.of(1, 10, 50);
        int seconds = 20;
        List<String> tlsModes = List.of("no", "yes");
        List<String> engines = List.of("openssl");
        List<String> flagSets = List.of("default", "docker");
        List<String> extra = List.of();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--clients" -> counts = Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--tls" -> tlsModes = List.of(args[i + 1].split(","));
                case "--engines" -> engines = List.of(args[i + 1].split(","));
                case "--flags" -> flagSets = List.of(args[i + 1].split(","));
                case "--jvm" -> extra = List.of(args[i + 1].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        double aes = aesGcmBytesPerSecond();
        System.out.printf(Locale.ROOT, "machine: %d cores, JDK %s; openssl speed -evp aes-128-gcm (16 KiB blocks): %.0f MB/s; load before: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), aes / 1e6,
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("benchmark clients' TLS engine: %s; CPU/AES over idle = (proxy CPU - idle proxy CPU) / AES time of the bytes sent%n",
                OpenSsl.isAvailable() ? "OPENSSL" : "JDK");
        System.out.println("CPU % of one core: total (sys: in the kernel; loops: Netty event-loop threads; JIT: compiler threads), "
                + "over idle: total minus the idle proxy's total (first line of each setup, 0 clients)");
        System.out.println("flags   engine  clients tls  packets/s  p50 ms  p99 ms  max ms  gaps  CPU s/client-min  CPU %   sys  loops   JIT"
                + "  over idle  peak RSS MB  first keyframe ms  CPU/AES  over idle");
        for (String flags : flagSets) {
            for (String engine : engines) {
                Setup setup = new Setup(flags, engine, extra);
                double idle = idle(setup, seconds);
                for (String tls : tlsModes) {
                    for (int n : counts) {
                        run(setup, n, tls.equals("yes"), seconds, aes, idle);
                    }
                }
            }
        }
        System.out.printf("load after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /**
     * Child mode: the proxy on a free port, fed by a synthetic camera, or by the printer (simulated,
     * access code {@link #CODE}) on 127.0.0.1:{@code printerPort} when that is not 0; prints the port
     * and engine, runs until stdin closes.
     */
    private static void runProxy(int printerPort) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        PrinterAddress printer = new PrinterAddress("127.0.0.1", 0, printerPort, new Secret(CODE));
        ProxyContext ctx = new ProxyContext(printer, new Tls(ServerCertificate.loadOrCreate(CERT_DIR, "127.0.0.1"), Tls.defaultProvider()), group,
                new StatusBoard(CameraType.RTSP), new AuthThrottle());
        RtspProxy.UpstreamFactory upstreams = printerPort != 0 ? RtspUpstream::create
                : (context, loop, listener) -> new SyntheticCamera(loop, listener, ByteBufAllocator.DEFAULT /* as an upstream channel's (the product's allocator type) */);
        RtspProxy proxy = new RtspProxy(ctx, new RtspProxy.Settings("127.0.0.1", 0, 200), upstreams,
                RtspProxy.SESSION_TIMEOUT, RtspProxy.DESCRIBE_WAIT);
        proxy.start();
        SmallHeap.apply();
        System.out.println("PORT " + proxy.port() + " " + ctx.tls().provider());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to close our stdin
        }
        proxy.close();
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }

    /** A running child proxy: its process, port and the TLS engine it reported. */
    record Child(Process process, int port, String engine) implements AutoCloseable {
        /** A proxy fed by the synthetic camera. */
        static Child start(Setup setup) throws Exception {
            return start(setup, 0);
        }

        /** A proxy fed by the printer on 127.0.0.1:{@code printerPort} (0: by the synthetic camera). */
        static Child start(Setup setup, int printerPort) throws Exception {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            if (setup.flags().equals("docker")) {
                command.addAll(ChamberBenchmark.dockerFlags());
                if (System.getProperty("java.class.path").startsWith(JAR + ":")) {
                    // the image's class-data-sharing archive applies when the proxy's classes come from the jar
                    command.addAll(ChamberBenchmark.dockerArchive(JAR));
                }
            } else if (!setup.flags().equals("default")) {
                throw new IllegalArgumentException("--flags: default or docker, not " + setup.flags());
            }
            if (setup.engine().equals("jdk")) {
                command.add("-Dio.netty.handler.ssl.noOpenSsl=true");
            } else if (!setup.engine().equals("openssl")) {
                throw new IllegalArgumentException("--engines: openssl or jdk, not " + setup.engine());
            }
            command.addAll(setup.extraFlags());
            command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                    RtspBenchmark.class.getName(), "proxy", String.valueOf(printerPort)));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            if (setup.flags().equals("docker")) {
                builder.environment().putAll(ChamberBenchmark.dockerEnv());
            }
            Process child = builder.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("PORT ")) {
                // a JVM option may print first (e.g. -XX:StartFlightRecording)
                line = out.readLine();
            }
            if (line == null) {
                child.destroyForcibly();
                throw new IllegalStateException("proxy did not start: " + line);
            }
            String[] f = line.split(" ");
            return new Child(child, Integer.parseInt(f[1]), f[2]);
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The proxy with the camera running and no client: CPU as % of one core over the window. */
    private static double idle(Setup setup, int seconds) throws Exception {
        try (Child child = Child.start(setup)) {
            Thread.sleep(WARMUP_MILLIS);
            Cpu cpu0 = Cpu.of(child.process().pid());
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            Cpu cpu = Cpu.of(child.process().pid()).minus(cpu0);
            long elapsed = System.nanoTime() - t0;
            System.out.printf(Locale.ROOT, "%-7s %-7s %7d %-4s %10s %7s %7s %7s %5s %16s %6.1f %5.1f %6.1f %5.1f %10s %12.1f%n",
                    setup.flags(), child.engine(), 0, "-", "-", "-", "-", "-", "-", "-", cpu.pct(cpu.total, elapsed),
                    cpu.pct(cpu.sys, elapsed), cpu.pct(cpu.loops, elapsed), cpu.pct(cpu.jit, elapsed), "-",
                    peakRssMb(child.process().pid()));
            return cpu.pct(cpu.total, elapsed);
        }
    }

    private static void run(Setup setup, int n, boolean tls, int seconds, double aes, double idlePct) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        SslContext ssl = tls ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build() : null;
        List<BenchClient> clients = new ArrayList<>();
        try (Child child = Child.start(setup)) {
            String url = (tls ? "rtsps" : "rtsp") + "://127.0.0.1:" + child.port() + "/stream";
            for (int i = 0; i < n; i++) {
                BenchClient c = new BenchClient(group, child.port(), ssl, CODE);
                c.play(url);
                clients.add(c);
            }
            Thread.sleep(WARMUP_MILLIS);
            long pid = child.process().pid();
            clients.forEach(c -> c.measuring = true);
            Cpu cpu0 = Cpu.of(pid);
            long bytes0 = clients.stream().mapToLong(c -> c.bytes).sum();
            long packets0 = clients.stream().mapToLong(c -> c.packets).sum();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long elapsed = System.nanoTime() - t0;
            Cpu used = Cpu.of(pid).minus(cpu0);
            long cpu = used.total;
            long bytes = clients.stream().mapToLong(c -> c.bytes).sum() - bytes0;
            long packets = clients.stream().mapToLong(c -> c.packets).sum() - packets0;
            clients.forEach(c -> c.measuring = false);
            long[] all = clients.stream().flatMapToLong(c -> Arrays.stream(c.latencies())).sorted().toArray();
            long gaps = clients.stream().mapToLong(c -> c.gaps).sum();

            // a client joining mid-stream (the last keyframe was up to 2 s ago)
            BenchClient late = new BenchClient(group, child.port(), ssl, CODE);
            long played = late.play(url);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (late.firstKeyframeNanos == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            double firstKeyframeMs = late.firstKeyframeNanos == 0 ? Double.NaN : (late.firstKeyframeNanos - played) / 1e6;
            late.close();

            double minutes = elapsed / 60e9;
            double cpuSeconds = cpu / 1e9;
            double cpuPct = 100.0 * cpu / elapsed;
            double overIdleSeconds = Math.max(0, cpuPct - idlePct) / 100.0 * elapsed / 1e9;
            double aesSeconds = bytes / aes;
            System.out.printf(Locale.ROOT, "%-7s %-7s %7d %-4s %10.0f %7.2f %7.2f %7.2f %5d %16.3f %6.1f %5.1f %6.1f %5.1f %10.1f %12.1f %18.1f %8.2f %10.2f%n",
                    setup.flags(), child.engine(), n, tls ? "yes" : "no", packets / (elapsed / 1e9), pct(all, 50) / 1e6,
                    pct(all, 99) / 1e6, all.length == 0 ? 0 : all[all.length - 1] / 1e6, gaps,
                    cpuSeconds / minutes / n, cpuPct, used.pct(used.sys, elapsed), used.pct(used.loops, elapsed),
                    used.pct(used.jit, elapsed), cpuPct - idlePct, peakRssMb(pid), firstKeyframeMs,
                    cpuSeconds / aesSeconds, overIdleSeconds / aesSeconds);
        } finally {
            clients.forEach(BenchClient::close);
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        }
    }

    private static long pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    /**
     * CPU time of a process (utime + stime from /proc, clock ticks of 10 ms), in the kernel, and of
     * its event-loop and JIT compiler threads (by thread name). Also used by {@link MqttRelayBenchmark}.
     */
    record Cpu(long total, long sys, long loops, long jit) {
        static Cpu of(long pid) throws Exception {
            long[] proc = ticks(Path.of("/proc/" + pid + "/stat"));
            long loops = 0;
            long jit = 0;
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String name = Files.readString(task.resolve("comm")).trim();
                        long[] t = ticks(task.resolve("stat"));
                        if (name.startsWith("multiThreadIoEv")) {
                            loops += t[0] + t[1];
                        } else if (name.contains("CompilerThre")) {
                            jit += t[0] + t[1];
                        }
                    } catch (java.io.IOException gone) {
                        // the thread ended meanwhile
                    }
                }
            }
            return new Cpu(proc[0] + proc[1], proc[1], loops, jit);
        }

        private static long[] ticks(Path stat) throws java.io.IOException {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]) * 10_000_000L, Long.parseLong(f[12]) * 10_000_000L};
        }

        Cpu minus(Cpu o) {
            return new Cpu(total - o.total, sys - o.sys, loops - o.loops, jit - o.jit);
        }

        double pct(long nanos, long elapsed) {
            return 100.0 * nanos / elapsed;
        }
    }

    static double peakRssMb(long pid) throws Exception {
        Matcher m = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
        return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
    }

    /** Bytes per second of `openssl speed -evp aes-128-gcm` for 16 KiB blocks. */
    private static double aesGcmBytesPerSecond() throws Exception {
        Process p = new ProcessBuilder("openssl", "speed", "-seconds", "2", "-evp", "aes-128-gcm").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        for (String l : text.split("\n")) {
            if (l.toLowerCase(Locale.ROOT).startsWith("aes-128-gcm")) {
                String[] cols = l.trim().split("\\s+");
                String last = cols[cols.length - 1];
                return Double.parseDouble(last.replace("k", "")) * 1000;
            }
        }
        throw new IllegalStateException("no aes-128-gcm line in openssl speed output");
    }
}
