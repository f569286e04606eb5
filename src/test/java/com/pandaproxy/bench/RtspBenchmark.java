package com.pandaproxy.bench;

import com.pandaproxy.app.C1Only;
import com.pandaproxy.app.NettyDefaults;
import com.pandaproxy.app.SmallHeap;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.net.Transports;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.RtspProxy;
import com.pandaproxy.rtsp.RtspUpstream;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.GstRtspRelay;
import com.pandaproxy.testutil.TestClips;
import com.pandaproxy.testutil.UdpViewer;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
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
 * RTSP relay benchmark (a program, not a test): the proxy side by side with the reference, a relay
 * built from GStreamer alone ({@link GstRtspRelay}: gst-rtsp-server, one shared media), in the
 * same run. Each relay pulls the simulated printer's 1080p30 ~4.1 Mbit/s stream
 * ({@link TestClips#hd()}, RTSPS, Basic; a fresh simulator per run, in this JVM) and serves it to
 * N clients in this JVM ({@link BenchClient}, 2 event loops) over plain RTSP with RTP over TCP
 * ({@code tcp}), over UDP ({@code udp}) or over RTSPS ({@code tls}). The proxy runs in a child JVM
 * started like the product (its runtime settings, a stored certificate; {@code --flags docker}:
 * the image's JAVA_OPTS, archive and MALLOC_ARENA_MAX). After a warm-up, over the measured window:
 * <ul>
 * <li>latency per picture: the simulator handed the picture's last packet to its socket → a client
 * has the picture's last packet (the relays repacketize, so pictures are matched by their bytes),
 * p50/p99/max over all pictures of all clients;
 * <li>the relay process's CPU time per client-minute and as % of one core (of which in the kernel,
 * in Netty's event loops and in the JIT compiler threads for the proxy), and its peak RSS;
 * <li>sequence gaps (UDP: also datagrams the kernel dropped at full receive buffers, machine-wide);
 * <li>a client joining after the window: PLAY sent → first keyframe packet.
 * </ul>
 * Then, per transport and N, the proxy's figures as a ratio of the reference's.
 *
 * <pre>
 * ./mvnw -q -DskipTests package &amp;&amp; ./mvnw -q -o test-compile
 * java -cp target/pandaproxy.jar:target/test-classes com.pandaproxy.bench.RtspBenchmark \
 *     [--clients 10,50] [--seconds 20] [--warmup 5] [--transports tcp,udp,tls] [--servers gstreamer,proxy]
 *     [--flags default,docker] [--engines openssl] [--jvm "more proxy JVM flags"]
 * </pre>
 * With default flags the proxy's JIT still compiles for minutes (a few hundred calls a second reach
 * C2's thresholds late): figure runs use {@code --warmup 40}, the steady state {@code --warmup 120}
 * (BENCHMARKS.md, RTSP relay).
 */
public final class RtspBenchmark {
    static final String CODE = "24681357";
    /** Made by the parent, read by each child: a child starts like the product on every start after its first. */
    static final Path CERT_DIR = Path.of("target", "bench-rtsp-certificate");
    private static final String JAR = "target/pandaproxy.jar";
    private static int warmupMillis = 5000;
    private static final String REFERENCE = "gstreamer";

    /** One proxy configuration: JVM flag set and TLS engine. */
    record Setup(String flags, String engine, List<String> extraFlags) {
    }

    /** A relay under test: its process (CPU, memory), its port and stream URL, how to stop it. */
    record Server(String name, long pid, int port, String url, AutoCloseable stop) {
    }

    /** One run's figures. */
    record Result(String server, double cpuPerClientMinute, double p99Millis) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("proxy")) {
            NettyDefaults.apply(); // as Main does, before Netty loads: the product's runtime settings
            C1Only.apply();
            runProxy(Integer.parseInt(args[1]));
            return;
        }
        System.setProperty("org.slf4j.simpleLogger.log.com.pandaproxy.sim", "warn"); // not a line per run
        ServerCertificate.loadOrCreate(CERT_DIR, "127.0.0.1");
        List<Integer> counts = List.of(10, 50);
        int seconds = 20;
        List<String> transports = List.of("tcp", "udp", "tls");
        List<String> servers = List.of(REFERENCE, "proxy");
        List<String> engines = List.of("openssl");
        List<String> flagSets = List.of("default", "docker");
        List<String> extra = List.of();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--clients" -> counts = Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmupMillis = Integer.parseInt(args[i + 1]) * 1000;
                case "--transports" -> transports = List.of(args[i + 1].split(","));
                case "--servers" -> servers = List.of(args[i + 1].split(","));
                case "--engines" -> engines = List.of(args[i + 1].split(","));
                case "--flags" -> flagSets = List.of(args[i + 1].split(","));
                case "--jvm" -> extra = List.of(args[i + 1].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Setup> setups = new ArrayList<>();
        for (String flags : flagSets) {
            for (String engine : engines) {
                setups.add(new Setup(flags, engine, extra));
            }
        }
        Path clip = TestClips.hd();
        System.out.printf(Locale.ROOT, "machine: %d cores, JDK %s; load before: %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf(Locale.ROOT, "stream: %s at %d fps from the simulated printer (RTSPS); %d s warm-up, %d s measured; "
                + "benchmark clients' TLS engine: %s%n", clip.getFileName(), TestClips.HD_FPS, warmupMillis / 1000, seconds,
                OpenSsl.isAvailable() ? "OPENSSL" : "JDK");
        System.out.println("latency: simulator sent a picture's last packet -> a client has it; CPU % of one core: total "
                + "(sys: in the kernel; loops: Netty event loops; JIT: compiler threads)");
        System.out.println("server            transport clients  packets/s  p50 ms  p99 ms  max ms  pictures  gaps  rcvbuf-drops"
                + "  CPU s/client-min  CPU %   sys  loops   JIT  peak RSS MB  first keyframe ms");
        List<String> ratios = new ArrayList<>();
        for (String transport : transports) {
            for (int n : counts) {
                Result reference = null;
                List<Result> proxies = new ArrayList<>();
                for (String server : servers) {
                    if (server.equals(REFERENCE)) {
                        reference = run(null, n, transport, seconds, clip);
                    } else if (server.equals("proxy")) {
                        for (Setup setup : setups) {
                            proxies.add(run(setup, n, transport, seconds, clip));
                        }
                    } else {
                        throw new IllegalArgumentException("--servers: gstreamer or proxy, not " + server);
                    }
                }
                for (Result r : reference == null ? List.<Result>of() : proxies) {
                    ratios.add(String.format(Locale.ROOT, "%-17s %-9s %7d %28.2f %20.2f", r.server(), transport, n,
                            r.cpuPerClientMinute() / reference.cpuPerClientMinute(), r.p99Millis() / reference.p99Millis()));
                }
            }
        }
        if (!ratios.isEmpty()) {
            System.out.println("proxy / gstreamer  transport clients  CPU per client-minute ratio  p99 latency ratio");
            ratios.forEach(System.out::println);
        }
        System.out.printf("load after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /**
     * Child mode: the proxy on a free port, its upstream the printer (simulated, access code
     * {@link #CODE}) on 127.0.0.1:{@code printerPort}; prints the port and engine, runs until stdin closes.
     */
    private static void runProxy(int printerPort) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Transports.ioHandlerFactory()); // as Application does
        PrinterAddress printer = new PrinterAddress("127.0.0.1", 0, printerPort, new Secret(CODE));
        ProxyContext ctx = new ProxyContext(printer, new Tls(ServerCertificate.loadOrCreate(CERT_DIR, "127.0.0.1"), Tls.defaultProvider()), group,
                new StatusBoard(CameraType.RTSP), new AuthThrottle());
        RtspProxy proxy = new RtspProxy(ctx, new RtspProxy.Settings("127.0.0.1", 0, 200), RtspUpstream::create,
                RtspProxy.SESSION_TIMEOUT, RtspProxy.DESCRIBE_WAIT);
        proxy.start();
        SmallHeap.apply();
        System.out.println("PORT " + proxy.port() + " " + ctx.tls().provider() + " " + Transports.name(group));
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to close our stdin
        }
        proxy.close();
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }

    /** A running child proxy: its process, port, and the TLS engine and transport it reported. */
    record Child(Process process, int port, String engine, String transport) implements AutoCloseable {
        /** A proxy fed by the printer on 127.0.0.1:{@code printerPort}. */
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
            return new Child(child, Integer.parseInt(f[1]), f[2], f[3]);
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Starts a relay of {@code printer}: the proxy with {@code setup}, or the GStreamer relay when
     * {@code setup} is null (serving RTSPS if {@code tls}; the proxy serves both on one port).
     */
    static Server start(Setup setup, RtspSimulator printer, boolean tls) throws Exception {
        if (setup == null) {
            Path dir = Files.createTempDirectory("bench-gst-relay");
            GstRtspRelay relay = GstRtspRelay.start(dir, printer.url().replace("rtsps://", "rtsps://" + Bambu.USER + ":" + CODE + "@"),
                    CODE, tls);
            return new Server(REFERENCE, relay.pid(), relay.port(), relay.url(), relay);
        }
        Child child = Child.start(setup, printer.port());
        return new Server("proxy " + setup.flags() + (setup.engine().equals("openssl") ? "" : " " + setup.engine())
                + (child.transport().equals("epoll") ? "" : " " + child.transport()),
                child.process().pid(), child.port(), (tls ? "rtsps" : "rtsp") + "://127.0.0.1:" + child.port() + Bambu.STREAM_PATH, child);
    }

    /** One relay (the reference when {@code setup} is null) with {@code n} clients; prints its line. */
    private static Result run(Setup setup, int n, String transport, int seconds, Path clip) throws Exception {
        boolean tls = transport.equals("tls");
        boolean udp = transport.equals("udp");
        if (!tls && !udp && !transport.equals("tcp")) {
            throw new IllegalArgumentException("--transports: tcp, udp or tls, not " + transport);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        SslContext ssl = tls ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build() : null;
        List<BenchClient> clients = new ArrayList<>();
        PictureTimes sent = new PictureTimes();
        try (RtspSimulator printer = RtspSimulator.start(0, CODE, RtspSimulator.Auth.BASIC, clip, TestClips.HD_FPS)) {
            printer.redirectPlainUris(false); // for GStreamer's rtspsrc; the same printer for both
            printer.onPictureSent(sent::sent);
            Server server = start(setup, printer, tls);
            try (AutoCloseable stop = server.stop()) {
                for (int i = 0; i < n; i++) {
                    BenchClient c = new BenchClient(group, server.port(), ssl, CODE, udp);
                    clients.add(c);
                    c.play(server.url());
                }
                Thread.sleep(warmupMillis);
                long pid = server.pid();
                clients.forEach(c -> c.measuring = true);
                Cpu cpu0 = Cpu.of(pid);
                long drops0 = UdpViewer.kernelReceiveBufferDrops();
                long packets0 = clients.stream().mapToLong(c -> c.packets).sum();
                long gaps0 = clients.stream().mapToLong(c -> c.gaps).sum();
                long t0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                long elapsed = System.nanoTime() - t0;
                Cpu used = Cpu.of(pid).minus(cpu0);
                long drops = UdpViewer.kernelReceiveBufferDrops() - drops0;
                long packets = clients.stream().mapToLong(c -> c.packets).sum() - packets0;
                long gaps = clients.stream().mapToLong(c -> c.gaps).sum() - gaps0;
                clients.forEach(c -> c.measuring = false);
                long[] all = clients.stream().flatMapToLong(c -> Arrays.stream(c.latencies(sent))).sorted().toArray();

                // a client joining mid-stream (the last keyframe was up to 2 s ago)
                BenchClient late = new BenchClient(group, server.port(), ssl, CODE, udp);
                long played = late.play(server.url());
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (late.firstKeyframeNanos == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                double firstKeyframeMs = late.firstKeyframeNanos == 0 ? Double.NaN : (late.firstKeyframeNanos - played) / 1e6;
                late.close();

                boolean proxy = setup != null;
                double perClientMinute = used.total() / 1e9 / (elapsed / 60e9) / n;
                double p99 = pct(all, 99) / 1e6;
                System.out.printf(Locale.ROOT, "%-17s %-9s %7d %10.0f %7.2f %7.2f %7.1f %9d %5d %13s %17.3f %6.1f %5.1f %6s %5s %12.1f %18.1f%n",
                        server.name(), transport, n, packets / (elapsed / 1e9), pct(all, 50) / 1e6, p99,
                        all.length == 0 ? 0 : all[all.length - 1] / 1e6, all.length, gaps, udp ? String.valueOf(drops) : "-",
                        perClientMinute, used.pct(used.total(), elapsed), used.pct(used.sys(), elapsed),
                        proxy ? String.format(Locale.ROOT, "%.1f", used.pct(used.loops(), elapsed)) : "-",
                        proxy ? String.format(Locale.ROOT, "%.1f", used.pct(used.jit(), elapsed)) : "-",
                        peakRssMb(pid), firstKeyframeMs);
                return new Result(server.name(), perClientMinute, p99);
            }
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
}
