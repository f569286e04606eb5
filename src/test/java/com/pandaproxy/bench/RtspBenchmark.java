package com.pandaproxy.bench;

import com.pandaproxy.app.CameraMode;
import com.pandaproxy.app.Config;
import com.pandaproxy.app.Secret;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.RtspProxy;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
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
 * {@link SyntheticCamera} (1080p-like, 30 fps, ~4 Mbit/s); this JVM plays it with N TCP clients
 * (plain RTSP or RTSPS) and prints, per run: added latency p50/p99 per packet (creation in the
 * proxy's upstream to arrival at a client), the proxy's CPU seconds per client-minute, its peak
 * RSS, the time to the first keyframe packet for a client joining mid-stream, and the ratio of the
 * proxy's CPU time to the time AES-128-GCM ({@code openssl speed}) needs for the bytes sent.
 *
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) com.pandaproxy.bench.RtspBenchmark [seconds] [N...]
 * </pre>
 */
public final class RtspBenchmark {
    private static final String CODE = "24681357";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("proxy")) {
            runProxy();
            return;
        }
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        List<Integer> counts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        if (counts.isEmpty()) {
            counts = List.of(1, 10, 50);
        }
        double aes = aesGcmBytesPerSecond();
        System.out.printf(Locale.ROOT, "openssl speed -evp aes-128-gcm (16 KiB blocks): %.0f MB/s; load before: %s%n",
                aes / 1e6, Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("clients tls  packets/s  p50 ms  p99 ms  max ms  gaps  CPU s/client-min  proxy CPU %  peak RSS MB  first keyframe ms  CPU/AES");
        for (boolean tls : new boolean[] {false, true}) {
            for (int n : counts) {
                run(n, tls, seconds, aes);
            }
        }
    }

    /** Child mode: the proxy with a synthetic camera on a free port; prints the port, runs until stdin closes. */
    private static void runProxy() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Config c = new Config("127.0.0.1", new Secret(CODE), "BENCH", "127.0.0.1", CameraMode.RTSP, 0, 0, 0, 0,
                Path.of("unused"), 200, null, false);
        ProxyContext ctx = new ProxyContext(c, new Tls(ServerCertificate.ephemeral(), Tls.defaultProvider()), group,
                new StatusBoard(CameraType.RTSP), new AuthThrottle());
        RtspProxy proxy = new RtspProxy(ctx, (context, loop, listener) -> new SyntheticCamera(loop, listener, PooledByteBufAllocator.DEFAULT),
                RtspProxy.SESSION_TIMEOUT, RtspProxy.DESCRIBE_WAIT);
        proxy.start();
        System.out.println("PORT " + proxy.port() + " " + Tls.defaultProvider());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to close our stdin
        }
        proxy.close();
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }

    private static void run(int n, boolean tls, int seconds, double aes) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), RtspBenchmark.class.getName(), "proxy")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("PORT ")) {
            child.destroyForcibly();
            throw new IllegalStateException("proxy did not start: " + line);
        }
        int port = Integer.parseInt(line.split(" ")[1]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        SslContext ssl = tls ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build() : null;
        String url = (tls ? "rtsps" : "rtsp") + "://127.0.0.1:" + port + "/stream";
        List<BenchClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                BenchClient c = new BenchClient(group, port, ssl, CODE);
                c.play(url);
                clients.add(c);
            }
            Thread.sleep(3000);
            clients.forEach(c -> c.measuring = true);
            long cpu0 = cpuNanos(child.pid());
            long bytes0 = clients.stream().mapToLong(c -> c.bytes).sum();
            long packets0 = clients.stream().mapToLong(c -> c.packets).sum();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long elapsed = System.nanoTime() - t0;
            long cpu = cpuNanos(child.pid()) - cpu0;
            long bytes = clients.stream().mapToLong(c -> c.bytes).sum() - bytes0;
            long packets = clients.stream().mapToLong(c -> c.packets).sum() - packets0;
            clients.forEach(c -> c.measuring = false);
            long[] all = clients.stream().flatMapToLong(c -> Arrays.stream(c.latencies())).sorted().toArray();
            long gaps = clients.stream().mapToLong(c -> c.gaps).sum();

            // a client joining mid-stream (the last keyframe was up to 2 s ago)
            BenchClient late = new BenchClient(group, port, ssl, CODE);
            long played = late.play(url);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (late.firstKeyframeNanos == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            double firstKeyframeMs = late.firstKeyframeNanos == 0 ? Double.NaN : (late.firstKeyframeNanos - played) / 1e6;
            late.close();

            double minutes = elapsed / 60e9;
            double cpuSeconds = cpu / 1e9;
            double aesSeconds = bytes / aes;
            System.out.printf(Locale.ROOT, "%7d %-4s %10.0f %7.2f %7.2f %7.2f %5d %16.3f %12.1f %12.1f %18.1f %8.2f%n",
                    n, tls ? "yes" : "no", packets / (elapsed / 1e9), pct(all, 50) / 1e6, pct(all, 99) / 1e6,
                    all.length == 0 ? 0 : all[all.length - 1] / 1e6, gaps,
                    cpuSeconds / minutes / n, 100.0 * cpu / elapsed, peakRssMb(child.pid()), firstKeyframeMs,
                    cpuSeconds / aesSeconds);
        } finally {
            clients.forEach(BenchClient::close);
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
            child.getOutputStream().close();
            if (!child.waitFor(5, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static long pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    /** utime + stime of a process, from /proc (clock ticks of 10 ms on Linux). */
    private static long cpuNanos(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    private static double peakRssMb(long pid) throws Exception {
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
