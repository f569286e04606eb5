package com.pandaproxy.bench;

import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.tls.ServerCertificate;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Soak (a program, not a test): the packaged proxy runs for {@code --minutes} (30 by default) in
 * two child JVMs, one per camera type (a proxy serves one printer), in front of the simulated
 * printers in this JVM. Clients of every kind ({@link #KINDS}) join and leave every few seconds;
 * the printers drop every {@code --drop-every} minutes for 10 s and stall once (connected, no
 * pictures) for 20 s; garbage connections come in between. Every minute it prints, per proxy,
 * RSS, heap after a full collection, open file descriptors and threads, and it counts the errors
 * a client saw that were not meant to happen (a refused connection, a login or PLAY refused while
 * the printer is up, no picture for 20 s while the printer is up, an RTP sequence gap over TCP, a
 * garbage connection the proxy kept). Goal: flat figures after the first minutes and no errors.
 *
 * <pre>
 * ./mvnw -q -o -DskipTests package &amp;&amp; ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) com.pandaproxy.bench.SoakBenchmark \
 *     [--minutes 30] [--drop-every 2] [--flags default|docker] [--jar target/pandaproxy.jar]
 * </pre>
 * A new protocol's clients (MQTT relay, HTTP) are one more {@link Kind} in {@link #KINDS} and,
 * if it has its own port, one more option in {@link Proxy#start}.
 */
public final class SoakBenchmark {
    private static final String CODE = "36925814";
    private static final Duration NO_PICTURE = Duration.ofSeconds(20);
    /** After the printer comes back (or thaws), how long clients may still wait without it counting. */
    private static final Duration GRACE = Duration.ofSeconds(20);

    /** One kind of client: how many at most at once, and how to make one. */
    private record Kind(String name, int max, Factory factory) {
    }

    private interface Factory {
        Client join(SoakBenchmark soak) throws Exception;
    }

    /** A joined client: whether it still gets something, and how to leave. */
    private interface Client {
        /** nanoTime of the last picture or packet, or 0 before the first. */
        long lastProgressNanos();

        /** Why it is broken (closed by the proxy, a protocol violation), or null. */
        String broken();

        long gaps();

        void leave();
    }

    /** Every client kind of every protocol; add the MQTT relay's and the HTTP server's here. */
    private static final List<Kind> KINDS = List.of(
            new Kind("chamber", 6, soak -> soak.chamberClient()),
            new Kind("rtsp-tcp", 4, soak -> soak.rtspClient(false, false)),
            new Kind("rtsps-tcp", 4, soak -> soak.rtspClient(true, false)),
            new Kind("rtsp-udp", 4, soak -> soak.rtspClient(false, true)));

    private final Random random = new Random(15);
    private final ChamberSimulator chamberPrinter;
    private final RtspSimulator rtspPrinter;
    private final Proxy chamber;
    private final Proxy rtsp;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final SslContext trustAll;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "soak");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<Joined>> clients = new LinkedHashMap<>();
    private final Map<String, AtomicLong> errors = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<String> errorLines = new ConcurrentLinkedQueue<>();
    private final AtomicLong joins = new AtomicLong();
    private final AtomicLong garbage = new AtomicLong();
    /** Until when (nanoTime) a missing picture or a 503 is what the printer's absence means. */
    private volatile long printerAwayUntil;

    private record Joined(Client client, long leaveAtNanos, long joinedNanos) {
    }

    private SoakBenchmark(String jar, String flags) throws Exception {
        chamberPrinter = ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(5, 640, 360, 8));
        rtspPrinter = RtspSimulator.start(0, CODE);
        Path work = Files.createDirectories(Path.of("target", "soak"));
        chamber = Proxy.start(jar, flags, work.resolve("chamber"), "chamber", chamberPrinter.port());
        rtsp = Proxy.start(jar, flags, work.resolve("rtsp"), "rtsp", rtspPrinter.port());
        trustAll = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        KINDS.forEach(k -> clients.put(k.name(), new ArrayList<>()));
    }

    public static void main(String[] args) throws Exception {
        int minutes = 30;
        double dropEvery = 2;
        String flags = "default";
        String jar = "target/pandaproxy.jar";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--minutes" -> minutes = Integer.parseInt(args[i + 1]);
                case "--drop-every" -> dropEvery = Double.parseDouble(args[i + 1]);
                case "--flags" -> flags = args[i + 1];
                case "--jar" -> jar = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "soak: %d min, printers drop every %.1f min, flags %s; %d cores, load %s%n", minutes, dropEvery,
                flags, Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).trim());
        SoakBenchmark soak = new SoakBenchmark(jar, flags);
        try {
            soak.run(Duration.ofMinutes(minutes), Duration.ofMillis((long) (dropEvery * 60_000)));
        } finally {
            soak.close();
        }
        System.exit(0); // the simulators' and clients' threads
    }

    private void run(Duration length, Duration dropEvery) throws Exception {
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long stallAt = start + Math.min(TimeUnit.MINUTES.toNanos(7), length.toNanos() / 2) + TimeUnit.SECONDS.toNanos(30);
        long nextDrop = start + dropEvery.toNanos();
        long nextSample = start;
        long nextGarbage = start + TimeUnit.SECONDS.toNanos(3);
        boolean stalled = false;
        System.out.println("min  proxy    RSS MB  heap MB  fds  threads | clients  joins  garbage  errors");
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (now >= nextSample) {
                sample((now - start) / 60_000_000_000.0);
                nextSample += TimeUnit.MINUTES.toNanos(1);
            }
            if (now >= nextDrop) {
                nextDrop += dropEvery.toNanos();
                workers.execute(this::dropPrinters);
            }
            if (!stalled && now >= stallAt) {
                stalled = true;
                workers.execute(this::stallPrinters);
            }
            if (now >= nextGarbage) {
                nextGarbage = now + TimeUnit.MILLISECONDS.toNanos(2000 + random.nextInt(4000));
                workers.execute(this::garbageConnection);
            }
            churn(now);
            Thread.sleep(500);
        }
        sample(length.toSeconds() / 60.0);
        summary();
    }

    /** Clients leave when their time is up or they broke; new ones join now and then, each kind up to its max. */
    private void churn(long now) {
        for (Kind kind : KINDS) {
            List<Joined> list = clients.get(kind.name());
            synchronized (list) {
                for (Iterator<Joined> it = list.iterator(); it.hasNext(); ) {
                    Joined j = it.next();
                    Client c = j.client();
                    String broken = c.broken();
                    long last = Math.max(c.lastProgressNanos(), j.joinedNanos());
                    if (broken != null) {
                        error(kind.name() + ": " + broken);
                    } else if (now - last > NO_PICTURE.toNanos() && now > printerAwayUntil) {
                        error(kind.name() + ": nothing for " + NO_PICTURE.toSeconds() + " s while the printer is up");
                    } else if (now < j.leaveAtNanos()) {
                        continue;
                    }
                    if (c.gaps() > 0) {
                        error(kind.name() + ": " + c.gaps() + " RTP sequence gaps");
                    }
                    it.remove();
                    workers.execute(c::leave);
                }
                if (list.size() < kind.max() && random.nextInt(4) == 0) {
                    workers.execute(() -> join(kind));
                }
            }
        }
    }

    private void join(Kind kind) {
        try {
            Client c = kind.factory().join(this);
            joins.incrementAndGet();
            long now = System.nanoTime();
            List<Joined> list = clients.get(kind.name());
            synchronized (list) {
                list.add(new Joined(c, now + TimeUnit.SECONDS.toNanos(5 + random.nextInt(30)), now));
            }
        } catch (Exception e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("503") && System.nanoTime() < printerAwayUntil) {
                return; // the printer is away: RTSP says so, as intended
            }
            error(kind.name() + " could not join: " + e);
        }
    }

    private Client chamberClient() throws Exception {
        ChamberViewer v = ChamberViewer.connect("127.0.0.1", chamber.port(), "bblp", CODE, Duration.ofSeconds(5));
        v.socket.setSoTimeout(0); // a printer stall is a pause, not this client's reason to give up: the check below judges
        long[] last = new long[1];
        Thread counter = new Thread(() -> {
            try {
                while (!v.ended()) {
                    if (v.next(Duration.ofSeconds(1)) != null) {
                        last[0] = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "soak-chamber-client");
        counter.setDaemon(true);
        counter.start();
        return new Client() {
            private volatile boolean leaving;

            @Override
            public long lastProgressNanos() {
                return last[0];
            }

            @Override
            public String broken() {
                return v.violation() != null ? v.violation() : v.ended() && !leaving ? "closed by the proxy" : null;
            }

            @Override
            public long gaps() {
                return 0;
            }

            @Override
            public void leave() {
                leaving = true;
                try {
                    v.close();
                } catch (IOException e) {
                    // gone anyway
                }
            }
        };
    }

    private Client rtspClient(boolean tls, boolean udp) throws Exception {
        BenchClient c = new BenchClient(group, rtsp.port(), tls ? trustAll : null, CODE, udp);
        try {
            c.play((tls ? "rtsps" : "rtsp") + "://127.0.0.1:" + rtsp.port() + "/streaming/live/1");
        } catch (RuntimeException | InterruptedException e) {
            c.close();
            throw e;
        }
        return new Client() {
            private volatile boolean leaving;
            private long packets;
            private long lastNanos;

            @Override
            public synchronized long lastProgressNanos() {
                if (c.packets != packets) {
                    packets = c.packets;
                    lastNanos = System.nanoTime();
                }
                return lastNanos;
            }

            @Override
            public String broken() {
                return !c.open() && !leaving ? "closed by the proxy" : null;
            }

            @Override
            public long gaps() {
                return udp ? 0 : c.gaps; // loopback UDP may drop under load: not the proxy's doing
            }

            @Override
            public void leave() {
                leaving = true;
                c.close();
            }
        };
    }

    /** Both printers go away for 10 s, like a printer switched off and on. */
    private void dropPrinters() {
        printerAwayUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10) + GRACE.toNanos();
        System.out.println("     printers off for 10 s");
        chamberPrinter.stop();
        rtspPrinter.stop();
        sleep(10_000);
        chamberPrinter.restart();
        rtspPrinter.restart();
    }

    /** Both printers stay connected but send nothing for 20 s (a hung camera): the proxies' watchdogs reconnect. */
    private void stallPrinters() {
        printerAwayUntil = Math.max(printerAwayUntil, System.nanoTime() + TimeUnit.SECONDS.toNanos(20) + GRACE.toNanos());
        System.out.println("     printers stall for 20 s");
        chamberPrinter.freeze(true);
        rtspPrinter.freeze(true);
        sleep(20_000);
        chamberPrinter.freeze(false);
        rtspPrinter.freeze(false);
    }

    /**
     * One connection that is not a client, from another address (127.0.0.3): random bytes, an
     * idle connection, half a TLS handshake, a wrong code, or HTTP on the RTSP port. The proxy
     * must close it (or answer and then close it) in time: its login limit, or a wrong code's
     * longest hold.
     */
    private void garbageConnection() {
        garbage.incrementAndGet();
        int what = random.nextInt(6);
        int port = random.nextBoolean() ? chamber.port() : rtsp.port();
        byte[] bytes = switch (what) {
            case 0 -> randomBytes(1 + random.nextInt(2048));
            case 1 -> new byte[0];
            case 2 -> new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xC8, 0x01, 0x00};
            case 3 -> null; // a wrong code, below
            case 4 -> ("DESCRIBE rtsp://127.0.0.1/streaming/live/1 RTSP/1.0\r\nCSeq: 1\r\nAuthorization: Basic "
                    + java.util.Base64.getEncoder().encodeToString("bblp:00000000".getBytes(StandardCharsets.US_ASCII))
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            default -> "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        };
        if (what == 4 || what == 5) {
            port = rtsp.port();
        }
        long limitSeconds = what == 3 || what == 4 ? 50 : 20;
        try {
            if (what == 3) {
                wrongCode(limitSeconds);
                return;
            }
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(limitSeconds));
                s.getOutputStream().write(bytes);
                readToEnd(s.getInputStream());
            }
        } catch (java.net.SocketTimeoutException e) {
            error("garbage (kind " + what + ") on port " + port + " still open after " + limitSeconds + " s");
        } catch (IOException e) {
            // reset or closed while writing: dealt with
        }
    }

    private void wrongCode(long limitSeconds) throws IOException {
        try (Socket plain = new Socket()) {
            plain.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
            plain.connect(new InetSocketAddress("127.0.0.1", chamber.port()), 5000);
            javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trustingAll().getSocketFactory()
                    .createSocket(plain, "127.0.0.1", chamber.port(), true);
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(limitSeconds));
            s.startHandshake();
            s.getOutputStream().write(com.pandaproxy.chamber.AuthPacket.encode("bblp", "00000000"));
            readToEnd(s.getInputStream());
        }
    }

    private static javax.net.ssl.SSLContext trustingAll() throws IOException {
        try {
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void readToEnd(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
            // answers (a 400, a 401, a TLS alert) are fine; the end is what counts
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private void error(String what) {
        errors.computeIfAbsent(what.replaceAll("\\d+", "N"), k -> new AtomicLong()).incrementAndGet();
        if (errorLines.size() < 50) {
            errorLines.add(String.format(Locale.ROOT, "%tT %s", System.currentTimeMillis(), what));
        }
    }

    private long errorCount() {
        return errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private void sample(double minute) throws Exception {
        int now = clients.values().stream().mapToInt(l -> {
            synchronized (l) {
                return l.size();
            }
        }).sum();
        for (Proxy p : List.of(chamber, rtsp)) {
            Proxy.Figures f = p.figures();
            System.out.printf(Locale.ROOT, "%4.1f %-8s %7.1f %8.1f %4d %8d | %7d %6d %8d %7d%n", minute, p.name(), f.rssMb(),
                    f.heapMb(), f.fds(), f.threads(), now, joins.get(), garbage.get(), errorCount());
        }
    }

    private void summary() {
        System.out.printf(Locale.ROOT, "%d joins, %d garbage connections, %d client-visible errors not meant to happen%n",
                joins.get(), garbage.get(), errorCount());
        errors.forEach((what, n) -> System.out.printf(Locale.ROOT, "  %5d  %s%n", n.get(), what));
        if (!errorLines.isEmpty()) {
            System.out.println("first errors:");
            errorLines.forEach(l -> System.out.println("  " + l));
        }
        System.out.println("proxy logs: target/soak/chamber/proxy.log, target/soak/rtsp/proxy.log");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void close() {
        clients.values().forEach(l -> l.forEach(j -> j.client().leave()));
        chamber.close();
        rtsp.close();
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
        chamberPrinter.close();
        rtspPrinter.close();
    }

    /** One proxy in a child JVM started from the jar, as users run it. */
    private record Proxy(String name, Process process, int port) implements AutoCloseable {
        private static final Pattern USED = Pattern.compile("used (\\d+)K");

        record Figures(double rssMb, double heapMb, int fds, int threads) {
        }

        static Proxy start(String jar, String flags, Path dir, String camera, int printerPort) throws Exception {
            Files.createDirectories(dir);
            ServerCertificate.loadOrCreate(dir, "127.0.0.1"); // as on every start after the first
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            if (flags.equals("docker")) {
                command.addAll(ChamberBenchmark.dockerFlags());
                command.addAll(ChamberBenchmark.dockerArchive(jar));
            }
            command.addAll(List.of("-jar", jar, "--printer-ip", "127.0.0.1", "--access-code", CODE, "--camera", camera,
                    "--bind", "127.0.0.1", "--data-dir", dir.toString(), "--max-clients", "100"));
            command.addAll(camera.equals("chamber")
                    ? List.of("--chamber-port", String.valueOf(port), "--printer-chamber-port", String.valueOf(printerPort))
                    : List.of("--rtsp-port", String.valueOf(port), "--printer-rtsp-port", String.valueOf(printerPort)));
            Path log = dir.resolve("proxy.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            if (flags.equals("docker")) {
                builder.environment().putAll(ChamberBenchmark.dockerEnv());
            }
            Process process = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("listening on") && !Files.readString(log).contains("RTSP/RTSPS server on")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(camera + " proxy did not start:\n" + Files.readString(log));
                }
                Thread.sleep(50);
            }
            return new Proxy(camera, process, port);
        }

        /** RSS and threads from /proc, open descriptors, and the heap in use right after a full collection (jcmd). */
        Figures figures() throws Exception {
            long pid = process.pid();
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            double rss = field(status, "VmRSS") / 1024.0;
            int threads = (int) field(status, "Threads");
            int fds;
            try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                fds = (int) list.count();
            }
            jcmd(pid, "GC.run");
            long usedKb = 0;
            for (String line : jcmd(pid, "GC.heap_info").lines().toList()) {
                Matcher m = USED.matcher(line);
                if (m.find() && !line.contains("Metaspace") && !line.contains("class space")) {
                    usedKb += Long.parseLong(m.group(1));
                }
            }
            return new Figures(rss, usedKb / 1024.0, fds, threads);
        }

        private static long field(String status, String name) {
            return status.lines().filter(l -> l.startsWith(name + ":"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
        }

        private static String jcmd(long pid, String what) throws Exception {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(pid), what).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }
}
