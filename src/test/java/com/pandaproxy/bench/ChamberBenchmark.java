package com.pandaproxy.bench;

import com.pandaproxy.chamber.AuthPacket;
import com.pandaproxy.chamber.FrameDecoder;
import com.pandaproxy.chamber.FrameHeader;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.tls.ServerCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chamber-image fan-out benchmark (a program, not a test). The simulated printer (15 frames/s,
 * 1280×720 JPEGs) and N TLS clients run here; the proxy runs as a separate JVM from
 * target/pandaproxy.jar so its CPU time (/proc/PID/stat) and peak RSS (VmHWM) are its own.
 * Added latency = a client has the whole frame − the simulator handed the frame's last byte
 * to the socket (same clock: both in this process). "docker" runs use the Dockerfile's JAVA_OPTS and
 * MALLOC_ARENA_MAX; the proxy starts with a certificate already in its data dir, as on every start
 * after the first.
 *
 * <pre>
 * ./mvnw -q -DskipTests package && ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) com.pandaproxy.bench.ChamberBenchmark \
 *     [--clients 1,10,100] [--seconds 10] [--warmup 3] [--engines openssl,jdk] [--flags default,docker]
 * </pre>
 */
public final class ChamberBenchmark {
    static final String CODE = "31415926";
    /** The Docker image's JVM flags: JAVA_OPTS in the Dockerfile, so the benchmark measures what the image runs. */
    static List<String> dockerFlags() throws IOException {
        Matcher m = Pattern.compile("ENV JAVA_OPTS=\"([^\"]*)\"").matcher(Files.readString(Path.of("Dockerfile")));
        if (!m.find()) {
            throw new IllegalStateException("no ENV JAVA_OPTS=\"...\" in the Dockerfile");
        }
        return List.of(m.group(1).trim().split("\\s+"));
    }

    /**
     * The class-data-sharing archive the image dumps next to its jar (Dockerfile) and run.sh
     * passes to the JVM: made here the same way, from the same class list, for target/pandaproxy.jar.
     */
    static List<String> dockerArchive(String jar) throws IOException, InterruptedException {
        Path archive = Path.of(jar.replaceFirst("\\.jar$", ".jsa"));
        Files.deleteIfExists(archive);
        Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:dump",
                "-XX:SharedClassListFile=src/main/docker/pandaproxy.classlist", "-XX:SharedArchiveFile=" + archive, "-cp", jar)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (dump.waitFor() != 0 || !Files.exists(archive)) {
            throw new IllegalStateException("cannot dump the class-data sharing archive " + archive);
        }
        return List.of("-XX:SharedArchiveFile=" + archive);
    }

    /** The Docker image's MALLOC_ARENA_MAX (fewer glibc malloc arenas), if the Dockerfile sets it. */
    static Map<String, String> dockerEnv() throws IOException {
        Matcher m = Pattern.compile("MALLOC_ARENA_MAX=(\\d+)").matcher(Files.readString(Path.of("Dockerfile")));
        return m.find() ? Map.of("MALLOC_ARENA_MAX", m.group(1)) : Map.of();
    }

    /** Streaming before the measured window, per N. */
    private static long warmupMillis = 3000;
    /** More JVM flags for the proxy (after the flag set), e.g. to try a setting. */
    private static List<String> extraFlags = List.of();
    /** Print the proxy's native memory summary (jcmd VM.native_memory) after each flag set and engine. */
    private static boolean nmt;

    private ChamberBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = List.of(1, 10, 100);
        int seconds = 10;
        List<String> engines = List.of("openssl", "jdk");
        List<String> flagSets = List.of("default", "docker");
        String jar = "target/pandaproxy.jar";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--clients" -> counts = Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmupMillis = Integer.parseInt(args[i + 1]) * 1000L;
                case "--engines" -> engines = List.of(args[i + 1].split(","));
                case "--flags" -> flagSets = List.of(args[i + 1].split(","));
                case "--jar" -> jar = args[i + 1];
                case "--jvm" -> extraFlags = List.of(args[i + 1].trim().split("\\s+"));
                case "--nmt" -> nmt = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        double aesBytesPerSecond = opensslAesGcm();
        System.out.printf(Locale.ROOT, "machine: %d cores, %s, JDK %s, load %s%n", Runtime.getRuntime().availableProcessors(),
                cpuModel(), System.getProperty("java.version"), Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf(Locale.ROOT, "openssl speed -evp aes-128-gcm (16 KB blocks): %.0f MB/s%n", aesBytesPerSecond / 1e6);

        ChamberSimulator sim = ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(15, 1280, 720, 15));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        SslContext ssl = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK).build();
        System.out.println("engine flags     N  p50 ms  p99 ms  CPU s/1000 client-frames  client MB/s  yardstick  first frame p50/max ms  peak RSS MB");
        try {
            for (String flags : flagSets) {
                for (String engine : engines) {
                    runProxy(jar, engine, flags, sim, group, ssl, counts, seconds, aesBytesPerSecond);
                }
            }
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
            sim.close();
        }
    }

    private static void runProxy(String jar, String engine, String flags, ChamberSimulator sim, EventLoopGroup group,
            SslContext ssl, List<Integer> counts, int seconds, double aesBytesPerSecond) throws Exception {
        int port = FreePort.get();
        Files.createDirectories(Path.of("target"));
        Path dataDir = Files.createTempDirectory(Path.of("target"), "bench-");
        // the certificate exists, as on every start after the first (the first also loads Bouncy Castle to make it)
        ServerCertificate.loadOrCreate(dataDir, "127.0.0.1");
        List<String> jvm = new ArrayList<>();
        if (engine.equals("jdk")) {
            jvm.add("-Dio.netty.handler.ssl.noOpenSsl=true");
        }
        jvm.addAll(extraFlags);
        if (nmt) {
            jvm.add("-XX:NativeMemoryTracking=summary");
        }
        Path log = dataDir.resolve("proxy.log");
        Process proxy = startProxy(jar, flags, jvm, List.of("--printer-ip", "127.0.0.1", "--printer-chamber-port",
                String.valueOf(sim.port()), "--access-code", CODE, "--camera", "chamber", "--bind", "127.0.0.1",
                "--chamber-port", String.valueOf(port), "--http-port", String.valueOf(FreePort.get()), "--data-dir", dataDir.toString(),
                "--max-clients", "1000"), log);
        try {
            String used = Files.readString(log).contains("OPENSSL") ? "openssl" : "jdk";
            for (int n : counts) {
                measure(used, flags, n, port, proxy.pid(), sim, group, ssl, seconds, aesBytesPerSecond);
            }
            if (nmt) {
                Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(proxy.pid()), "VM.native_memory", "summary").redirectErrorStream(true).start();
                System.out.println(new String(jcmd.getInputStream().readAllBytes()));
                jcmd.waitFor();
                System.out.println(Files.readString(Path.of("/proc/" + proxy.pid() + "/smaps_rollup")));
                Process pmap = new ProcessBuilder("sh", "-c", "pmap -x " + proxy.pid() + " | sort -n -k3 | tail -25")
                        .redirectErrorStream(true).start();
                System.out.println(new String(pmap.getInputStream().readAllBytes()));
                pmap.waitFor();
            }
        } finally {
            proxy.destroy();
            proxy.waitFor(5, TimeUnit.SECONDS);
            proxy.destroyForcibly();
        }
    }

    /**
     * Starts the jar as the proxy in a JVM of its own with the flag set ("docker": the image's
     * JAVA_OPTS, archive and MALLOC_ARENA_MAX), its output in {@code log}, and waits until it streams.
     */
    static Process startProxy(String jar, String flags, List<String> jvmFlags, List<String> args, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (flags.equals("docker")) {
            command.addAll(dockerFlags());
            command.addAll(dockerArchive(jar)); // as run.sh in the image
        }
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (flags.equals("docker")) {
            builder.environment().putAll(dockerEnv());
        }
        Process proxy = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("Streaming from the printer camera")) {
            if (!proxy.isAlive() || System.nanoTime() > deadline) {
                proxy.destroyForcibly();
                throw new IllegalStateException("proxy did not start:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return proxy;
    }

    private static void measure(String engine, String flags, int n, int port, long pid, ChamberSimulator sim,
            EventLoopGroup group, SslContext ssl, int seconds, double aesBytesPerSecond) throws Exception {
        Recorder recorder = new Recorder(sim);
        List<Channel> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(connect(group, ssl, port, recorder, null).channel);
        }
        Thread.sleep(warmupMillis); // handshakes done, steady state (and with a long one, the JIT's work done)
        recorder.reset();
        long cpuBefore = cpuTicks(pid);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpuTicks = cpuTicks(pid) - cpuBefore;
        double elapsed = (System.nanoTime() - start) / 1e9;
        Recorder.Snapshot s = recorder.snapshot();
        // joins while the N clients stream
        List<Double> firstFrame = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Joined j = connect(group, ssl, port, new Recorder(sim), new CompletableFuture<>());
            firstFrame.add(j.firstFrameMillis.get(10, TimeUnit.SECONDS));
            j.channel.close().syncUninterruptibly();
            Thread.sleep(150);
        }
        for (Channel c : clients) {
            c.close();
        }
        for (Channel c : clients) {
            c.closeFuture().awaitUninterruptibly(2000);
        }
        double cpuSeconds = cpuTicks / 100.0;
        double perThousand = s.frames == 0 ? Double.NaN : cpuSeconds * 1000 / s.frames;
        double yardstick = cpuSeconds / (s.bytes / aesBytesPerSecond);
        firstFrame.sort(null);
        System.out.printf(Locale.ROOT, "%-7s %-7s %4d  %6.2f  %6.2f  %24.3f  %11.1f  %8.2fx  %10.1f / %5.1f  %11.1f%n",
                engine, flags, n, s.p(0.50), s.p(0.99), perThousand, s.bytes / elapsed / 1e6, yardstick,
                firstFrame.get(firstFrame.size() / 2), firstFrame.get(firstFrame.size() - 1), peakRssMb(pid));
        System.out.flush();
    }

    private record Joined(Channel channel, CompletableFuture<Double> firstFrameMillis) { }

    private static Joined connect(EventLoopGroup group, SslContext ssl, int port, Recorder recorder,
            CompletableFuture<Double> firstFrame) throws InterruptedException {
        long[] loginSent = new long[1];
        CompletableFuture<Void> loggedIn = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(ssl.newHandler(c.alloc(), "127.0.0.1", port), new FrameDecoder(),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                                            ctx.writeAndFlush(Unpooled.wrappedBuffer(AuthPacket.encode("bblp", CODE)))
                                                    .addListener(f -> {
                                                        loginSent[0] = System.nanoTime();
                                                        loggedIn.complete(null);
                                                    });
                                        }
                                    }

                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        long now = System.nanoTime();
                                        ByteBuf frame = (ByteBuf) msg;
                                        try {
                                            if (firstFrame != null && !firstFrame.isDone()) {
                                                firstFrame.complete((now - loginSent[0]) / 1e6);
                                            }
                                            byte[] head = ByteBufUtil.getBytes(frame, FrameHeader.LENGTH, 64);
                                            recorder.frame(ChamberSimulator.frameNumber(head), now, frame.readableBytes());
                                        } finally {
                                            frame.release();
                                        }
                                    }
                                });
                    }
                }).connect("127.0.0.1", port).sync().channel();
        try {
            // one login at a time: the proxy bounds the logins in progress from one address
            loggedIn.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no TLS handshake with the proxy", e);
        }
        return new Joined(ch, firstFrame);
    }

    /** Latencies and volumes seen by all clients of one run. */
    static final class Recorder {
        private final ChamberSimulator sim;
        private final List<Long> latencies = new ArrayList<>();
        private final AtomicLong frames = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();

        Recorder(ChamberSimulator sim) {
            this.sim = sim;
        }

        void frame(long number, long receivedNanos, int size) {
            long sent = sim.sentNanos(number);
            frames.incrementAndGet();
            bytes.addAndGet(size);
            if (sent > 0) {
                synchronized (latencies) {
                    latencies.add(receivedNanos - sent);
                }
            }
        }

        void reset() {
            synchronized (latencies) {
                latencies.clear();
                frames.set(0);
                bytes.set(0);
            }
        }

        Snapshot snapshot() {
            synchronized (latencies) {
                long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                return new Snapshot(frames.get(), bytes.get(), sorted);
            }
        }

        record Snapshot(long frames, long bytes, long[] sorted) {
            double p(double q) {
                return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
            }
        }
    }

    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime, fields 14 and 15
    }

    static double peakRssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    static String cpuModel() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown CPU";
    }

    /** AES-128-GCM bytes per second for 16 KB blocks on one core, from {@code openssl speed}. */
    private static double opensslAesGcm() throws Exception {
        Process p = new ProcessBuilder("openssl", "speed", "-evp", "aes-128-gcm", "-bytes", "16384", "-seconds", "3")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile("(?im)^aes-128-gcm\\s+([0-9.]+)k").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("cannot read openssl speed output:\n" + out);
        }
        return Double.parseDouble(m.group(1)) * 1000;
    }
}
