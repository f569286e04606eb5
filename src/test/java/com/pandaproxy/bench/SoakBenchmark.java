package com.pandaproxy.bench;

import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.sim.MqttPrinterSimulator;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.FreePort;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Soak (a program, not a test): the packaged proxy runs for {@code --minutes} (30 by default) in
 * two child JVMs, one per camera type (a proxy serves one printer), with {@code --services
 * camera,mqtt}, in front of the simulated printers in this JVM (each a camera and an MQTT broker
 * with one certificate, as a BambuLab printer). Clients of every kind ({@link #KINDS}) join and
 * leave every few seconds: camera clients, MQTT relay tools, MJPEG viewers and snapshot and status
 * pollers on the web port. The printers (camera and MQTT) drop every {@code --drop-every} minutes
 * for 10 s and stall once (connected, silent) for 20 s; garbage connections come in between, on
 * every port. Every minute it prints, per proxy, RSS, heap after a full collection, open file
 * descriptors and threads, and it counts the errors a client saw that were not meant to happen (a
 * refused connection, a login or PLAY refused while the printer is up, no picture or report for
 * 20 s while the printer is up, no full state or no answer to a pushall, an RTP sequence gap over
 * TCP, a garbage connection the proxy kept). Goal: flat figures after the first minutes and no errors.
 *
 * <pre>
 * ./mvnw -q -o -DskipTests package &amp;&amp; ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) com.pandaproxy.bench.SoakBenchmark \
 *     [--minutes 30] [--drop-every 2] [--flags default|docker] [--jar target/pandaproxy.jar]
 * </pre>
 * A new protocol's clients are one more {@link Kind} in {@link #KINDS} and, if it has its own port,
 * one more option in {@link Proxy#start}.
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

    /** Every client kind of every protocol (the MQTT and web ones join either proxy). */
    private static final List<Kind> KINDS = List.of(
            new Kind("chamber", 6, soak -> soak.chamberClient()),
            new Kind("rtsp-tcp", 4, soak -> soak.rtspClient(false, false)),
            new Kind("rtsps-tcp", 4, soak -> soak.rtspClient(true, false)),
            new Kind("rtsp-udp", 4, soak -> soak.rtspClient(false, true)),
            new Kind("mqtt-tool", 4, soak -> soak.mqttTool()),
            new Kind("mjpeg", 3, soak -> soak.mjpegViewer()),
            new Kind("web-poller", 3, soak -> soak.webPoller()));
    /** The printers' serial numbers: their certificates' CN, and the middle of their MQTT topics. */
    private static final String CHAMBER_SERIAL = "01P00A000000001";
    private static final String RTSP_SERIAL = "00M00A000000002";

    private final Random random = new Random(15);
    private final ChamberSimulator chamberPrinter;
    private final RtspSimulator rtspPrinter;
    private final MqttPrinterSimulator chamberPrinterMqtt;
    private final MqttPrinterSimulator rtspPrinterMqtt;
    private final Proxy chamber;
    private final Proxy rtsp;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final SslContext trustAll;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "soak");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<Joined>> clients = new LinkedHashMap<>();
    private final Map<String, AtomicLong> errors = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<String> errorLines = new ConcurrentLinkedQueue<>();
    private final AtomicLong joins = new AtomicLong();
    /** Joins per kind: every kind must have made clients. */
    private final Map<String, AtomicLong> joinsByKind = new LinkedHashMap<>();
    private final AtomicLong garbage = new AtomicLong();
    /** Until when (nanoTime) a missing picture or a 503 is what the printer's absence means. */
    private volatile long printerAwayUntil;

    private record Joined(Client client, long leaveAtNanos, long joinedNanos) {
    }

    private SoakBenchmark(String jar, String flags) throws Exception {
        // one certificate per printer, on its camera and its MQTT: the proxy pins one per printer address
        ServerCertificate chamberId = ServerCertificate.create(CHAMBER_SERIAL, Set.of("localhost", "127.0.0.1"));
        ServerCertificate rtspId = ServerCertificate.create(RTSP_SERIAL, Set.of("localhost", "127.0.0.1"));
        chamberPrinter = ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(5, 640, 360, 8), chamberId);
        rtspPrinter = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST, rtspId);
        MqttPrinterSimulator.Options mqtt = MqttPrinterSimulator.Options.DEFAULT;
        chamberPrinterMqtt = MqttPrinterSimulator.start(0, CODE, mqtt.withSerial(CHAMBER_SERIAL), chamberId);
        rtspPrinterMqtt = MqttPrinterSimulator.start(0, CODE, mqtt.withSerial(RTSP_SERIAL)
                .withRtspUrl("rtsps://127.0.0.1:" + rtspPrinter.port() + "/streaming/live/1"), rtspId);
        Path work = Files.createDirectories(Path.of("target", "soak"));
        chamber = Proxy.start(jar, flags, work.resolve("chamber"), "chamber", chamberPrinter.port(), chamberPrinterMqtt);
        rtsp = Proxy.start(jar, flags, work.resolve("rtsp"), "rtsp", rtspPrinter.port(), rtspPrinterMqtt);
        trustAll = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        KINDS.forEach(k -> {
            clients.put(k.name(), new ArrayList<>());
            joinsByKind.put(k.name(), new AtomicLong());
        });
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
            joinsByKind.get(kind.name()).incrementAndGet();
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

    /** Either proxy: the MQTT and web clients try both. */
    private Proxy anyProxy() {
        return random.nextBoolean() ? chamber : rtsp;
    }

    /**
     * A tool of the MQTT relay (the Bambu Lab integration, a slicer): subscribes to the reports and
     * must get the whole state within 15 s while the printer is up, then a report at least every
     * 20 s (the simulated print changes every second); now and then it asks for pushall, which
     * must be answered within 10 s unless the printer went away meanwhile, or turns the light on
     * or off (QoS 1: acknowledged by the relay even while the printer is away, as commands are
     * dropped then).
     */
    private Client mqttTool() throws Exception {
        Proxy proxy = anyProxy();
        MqttToolClient tool = new MqttToolClient(proxy.mqttPort(), CODE, proxy.serial(), "soak-" + joins.get() + "-" + random.nextInt(1000));
        long joined = System.nanoTime();
        AtomicLong nextRequest = new AtomicLong(joined + TimeUnit.SECONDS.toNanos(3 + random.nextInt(8)));
        return new Client() {
            private volatile boolean leaving;
            private volatile String failed;

            @Override
            public long lastProgressNanos() {
                long now = System.nanoTime();
                if (now >= nextRequest.get() && failed == null && !leaving) {
                    nextRequest.set(now + TimeUnit.SECONDS.toNanos(5 + random.nextInt(10)));
                    workers.execute(this::request);
                }
                return tool.lastReportNanos();
            }

            private void request() {
                try {
                    if (random.nextInt(3) == 0) {
                        tool.light(random.nextBoolean());
                    } else {
                        tool.pushall();
                    }
                } catch (Exception e) {
                    if (!leaving) {
                        failed = "a request failed: " + e;
                    }
                }
            }

            @Override
            public String broken() {
                if (leaving) {
                    return null;
                }
                if (failed != null || tool.broken() != null) {
                    return failed != null ? failed : tool.broken();
                }
                long now = System.nanoTime();
                long away = printerAwayUntil;
                long fifteen = TimeUnit.SECONDS.toNanos(15);
                if (tool.fullStateNanos() == 0 && now > away && now - Math.max(joined, away) > fifteen) {
                    return "no full state within 15 s while the printer is up";
                }
                tool.forgetPushallsBefore(away); // asked before or while the printer was away: may go unanswered
                long asked = tool.oldestUnansweredPushall();
                if (asked != 0 && now > away && now - asked > TimeUnit.SECONDS.toNanos(10)) {
                    return "a pushall not answered within 10 s while the printer is up";
                }
                return null;
            }

            @Override
            public long gaps() {
                return 0;
            }

            @Override
            public void leave() {
                leaving = true;
                tool.close();
            }
        };
    }

    /** An MJPEG viewer of the web port: a picture at least every 20 s while the printer is up (RTSP: decoded keyframes). */
    private Client mjpegViewer() throws Exception {
        Proxy proxy = anyProxy();
        AtomicLong last = new AtomicLong();
        MjpegViewerClient viewer = new MjpegViewerClient(group, proxy.httpPort(), "bblp", CODE, (n, at, bytes) -> last.set(at));
        return new Client() {
            private volatile boolean leaving;

            @Override
            public long lastProgressNanos() {
                return last.get();
            }

            @Override
            public String broken() {
                return !viewer.channel.isActive() && !leaving ? "closed by the proxy" : null;
            }

            @Override
            public long gaps() {
                return 0;
            }

            @Override
            public void leave() {
                leaving = true;
                viewer.channel.close();
            }
        };
    }

    /**
     * Polls the web port as a dashboard does, every 1 to 3 s: /snapshot.jpg (a JPEG, or 503 while there
     * is none: progress is a JPEG) and /api/status (always 200, with the relay's facts).
     */
    private Client webPoller() {
        Proxy proxy = anyProxy();
        String auth = "Basic " + java.util.Base64.getEncoder().encodeToString(("bblp:" + CODE).getBytes(StandardCharsets.US_ASCII));
        AtomicLong last = new AtomicLong();
        AtomicReference<String> failed = new AtomicReference<>();
        AtomicBoolean leaving = new AtomicBoolean();
        workers.execute(() -> {
            while (!leaving.get() && failed.get() == null) {
                try {
                    HttpResponse<byte[]> snapshot = http.send(request(proxy, "/snapshot.jpg", auth), HttpResponse.BodyHandlers.ofByteArray());
                    if (snapshot.statusCode() == 200 && snapshot.body().length > 2 && (snapshot.body()[0] & 0xFF) == 0xFF) {
                        last.set(System.nanoTime());
                    } else if (snapshot.statusCode() != 503) {
                        failed.set("snapshot answered " + snapshot.statusCode());
                    }
                    HttpResponse<String> status = http.send(request(proxy, "/api/status", auth), HttpResponse.BodyHandlers.ofString());
                    if (status.statusCode() != 200 || !status.body().contains("\"mqtt_clients\"")) {
                        failed.set("status answered " + status.statusCode() + ": " + status.body());
                    }
                } catch (IOException e) {
                    if (!leaving.get()) {
                        failed.set("request failed: " + e);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                sleep(1000 + random.nextInt(2000));
            }
        });
        return new Client() {
            @Override
            public long lastProgressNanos() {
                return last.get();
            }

            @Override
            public String broken() {
                return failed.get();
            }

            @Override
            public long gaps() {
                return 0;
            }

            @Override
            public void leave() {
                leaving.set(true);
            }
        };
    }

    private static HttpRequest request(Proxy proxy, String path, String auth) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path)).header("Authorization", auth)
                .timeout(Duration.ofSeconds(10)).build();
    }

    /** Both printers go away for 10 s, like a printer switched off and on. */
    private void dropPrinters() {
        printerAwayUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10) + GRACE.toNanos();
        System.out.println("     printers off for 10 s");
        chamberPrinter.stop();
        rtspPrinter.stop();
        chamberPrinterMqtt.stop();
        rtspPrinterMqtt.stop();
        sleep(10_000);
        chamberPrinter.restart();
        rtspPrinter.restart();
        chamberPrinterMqtt.restart();
        rtspPrinterMqtt.restart();
    }

    /** Both printers stay connected but send nothing for 20 s (a hung camera and MQTT): the proxies' watchdogs reconnect. */
    private void stallPrinters() {
        printerAwayUntil = Math.max(printerAwayUntil, System.nanoTime() + TimeUnit.SECONDS.toNanos(20) + GRACE.toNanos());
        System.out.println("     printers stall for 20 s");
        chamberPrinter.freeze(true);
        rtspPrinter.freeze(true);
        chamberPrinterMqtt.silent(true);
        rtspPrinterMqtt.silent(true);
        sleep(20_000);
        chamberPrinter.freeze(false);
        rtspPrinter.freeze(false);
        chamberPrinterMqtt.silent(false);
        rtspPrinterMqtt.silent(false);
    }

    /**
     * One connection that is not a client, from another address (127.0.0.3), on any of a proxy's
     * ports (camera, web, MQTT): random bytes, an idle connection, half a TLS handshake, a wrong
     * code (chamber login, RTSP, HTTP, MQTT), HTTP on the RTSP port, a request that never ends, an
     * MQTT 5 login. The proxy must close it (or answer and then close it) in time: its login or
     * request time limit, or a wrong code's longest hold.
     */
    private void garbageConnection() {
        garbage.incrementAndGet();
        int what = random.nextInt(10);
        Proxy proxy = random.nextBoolean() ? chamber : rtsp;
        int[] ports = {proxy.port(), proxy.httpPort(), proxy.mqttPort()};
        String wrong = java.util.Base64.getEncoder().encodeToString("bblp:00000000".getBytes(StandardCharsets.US_ASCII));
        int port = switch (what) {
            case 0, 1, 2 -> ports[random.nextInt(ports.length)];
            case 3 -> chamber.port();
            case 4, 5 -> rtsp.port();
            case 6, 7 -> proxy.httpPort();
            default -> proxy.mqttPort();
        };
        boolean tls = what == 3 || what == 8 || what == 9;
        byte[] bytes = switch (what) {
            case 0 -> randomBytes(1 + random.nextInt(2048));
            case 1 -> new byte[0];
            case 2 -> new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xC8, 0x01, 0x00};
            case 3 -> com.pandaproxy.chamber.AuthPacket.encode("bblp", "00000000");
            case 4 -> ascii("DESCRIBE rtsp://127.0.0.1/streaming/live/1 RTSP/1.0\r\nCSeq: 1\r\nAuthorization: Basic " + wrong + "\r\n\r\n");
            case 5 -> ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            case 6 -> ascii("GET /api/status HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + wrong + "\r\n\r\n");
            case 7 -> ascii("GET /stream.mjpeg HTTP/1.1\r\nHost: x\r\n"); // and never the blank line
            case 8 -> mqttConnect(4, "00000000");
            default -> mqttConnect(5, CODE);
        };
        // a wrong code's answer may be held back up to 30 s (the throttle, for 127.0.0.3 only)
        long limitSeconds = what == 3 || what == 4 || what == 6 || what == 8 ? 50 : 20;
        try (Socket plain = new Socket()) {
            plain.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            Socket s = tls ? trustingAll().getSocketFactory().createSocket(plain, "127.0.0.1", port, true) : plain;
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(limitSeconds));
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            readToEnd(s.getInputStream());
        } catch (java.net.SocketTimeoutException e) {
            error("garbage (kind " + what + ") on port " + port + " still open after " + limitSeconds + " s");
        } catch (IOException e) {
            // reset or closed while writing: dealt with
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** An MQTT CONNECT as user bblp (protocol level 4 is MQTT 3.1.1, 5 is MQTT 5). */
    private static byte[] mqttConnect(int level, String password) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (byte[] field : List.of(ascii("MQTT"))) {
            body.write(field.length >> 8);
            body.write(field.length);
            body.writeBytes(field);
        }
        body.write(level);
        body.write(0xC2); // user name, password, clean session
        body.write(0);
        body.write(30); // keep-alive
        if (level == 5) {
            body.write(0); // no properties
        }
        for (byte[] field : List.of(ascii("soak-garbage"), ascii("bblp"), ascii(password))) {
            body.write(field.length >> 8);
            body.write(field.length);
            body.writeBytes(field);
        }
        byte[] b = body.toByteArray();
        java.io.ByteArrayOutputStream packet = new java.io.ByteArrayOutputStream();
        packet.write(0x10);
        packet.write(b.length); // under 128
        packet.writeBytes(b);
        return packet.toByteArray();
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
        joinsByKind.forEach((kind, n) -> {
            if (n.get() == 0) {
                error(kind + ": no client joined");
            }
        });
        System.out.printf(Locale.ROOT, "%d joins, %d garbage connections, %d client-visible errors not meant to happen%n",
                joins.get(), garbage.get(), errorCount());
        System.out.println("joins by kind: " + joinsByKind);
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
        chamberPrinterMqtt.close();
        rtspPrinterMqtt.close();
    }

    /**
     * One proxy in a child JVM started from the jar, as users run it.
     *
     * @param port the camera port (chamber or RTSP)
     */
    private record Proxy(String name, Process process, int port, int httpPort, int mqttPort, String serial) implements AutoCloseable {
        private static final Pattern USED = Pattern.compile("used (\\d+)K");

        record Figures(double rssMb, double heapMb, int fds, int threads) {
        }

        static Proxy start(String jar, String flags, Path dir, String camera, int printerPort, MqttPrinterSimulator mqtt)
                throws Exception {
            Files.createDirectories(dir);
            ServerCertificate.loadOrCreate(dir, "127.0.0.1"); // as on every start after the first
            Files.deleteIfExists(dir.resolve("printer-trust.properties")); // the simulated printers' certificates are new
            int port = FreePort.get();
            int httpPort = FreePort.get();
            int mqttPort = FreePort.get();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            if (flags.equals("docker")) {
                command.addAll(ChamberBenchmark.dockerFlags());
                command.addAll(ChamberBenchmark.dockerArchive(jar));
            }
            command.addAll(List.of("-jar", jar, "--printer-ip", "127.0.0.1", "--access-code", CODE, "--camera", camera,
                    "--bind", "127.0.0.1", "--data-dir", dir.toString(), "--max-clients", "100", "--http-port", String.valueOf(httpPort),
                    "--services", "camera,mqtt", "--mqtt-relay-port", String.valueOf(mqttPort), "--printer-mqtt-port", String.valueOf(mqtt.port())));
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
            while (!Files.readString(log).contains("MQTT relay listening on")) { // the last port bound
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(camera + " proxy did not start:\n" + Files.readString(log));
                }
                Thread.sleep(50);
            }
            return new Proxy(camera, process, port, httpPort, mqttPort, mqtt.serial());
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
