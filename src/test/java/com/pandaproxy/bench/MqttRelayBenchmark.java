package com.pandaproxy.bench;

import com.pandaproxy.app.C1Only;
import com.pandaproxy.app.NettyDefaults;
import com.pandaproxy.app.SmallHeap;
import com.pandaproxy.mqtt.MqttRelay;
import com.pandaproxy.mqtt.MqttRelaySettings;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.net.Transports;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamTimings;
import com.pandaproxy.sim.MqttPrinterSimulator;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The printer's MQTT relayed (a program, not a test): the relay in a child JVM (the product's runtime
 * settings) and, side by side in the same run, Mosquitto configured as a bridge to the same simulated
 * printer (the usual do-it-yourself alternative), both serving N TLS clients. The simulated P1 printer
 * lives in this JVM and publishes P1-sized change reports (about 200 bytes) carrying this JVM's
 * {@code System.nanoTime()}, so a client's arrival time gives the latency printer → client.
 * Per target and N: latency p50/p99/max, the target's CPU per 1000 client-messages, the RSS the
 * target added over itself with no client, and then the time from a client's CONNECT to its complete
 * state (a {@code push_status} with {@code "msg": 0}: the relay sends it on SUBSCRIBE; through
 * Mosquitto the client must send {@code pushall}, which goes to the printer, and wait for its answer).
 *
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) com.pandaproxy.bench.MqttRelayBenchmark \
 *     [--clients 1,10,50] [--seconds 20] [--rate 50] [--targets relay,mosquitto] [--joins 20] [--jvm "relay JVM flags"]
 * </pre>
 */
public final class MqttRelayBenchmark {
    private static final String CODE = "97531864";
    private static final String SERIAL = MqttPrinterSimulator.DEMO_SERIAL;
    private static final Path DIR = Path.of("target", "bench-mqtt");
    private static final int WARMUP_MILLIS = 3000;
    private static final Pattern STAMP = Pattern.compile("\"sequence_id\":\"(\\d+)\",\"t\":(\\d+)");

    private MqttRelayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("relay")) {
            NettyDefaults.apply(); // as Main does, before Netty loads
            C1Only.apply();
            runRelay(Integer.parseInt(args[1]));
            return;
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        List<Integer> counts = List.of(1, 10, 50);
        int seconds = 20;
        int rate = 50;
        int joins = 20;
        List<String> targets = List.of("relay", "mosquitto");
        List<String> jvm = List.of();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--clients" -> counts = Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--joins" -> joins = Integer.parseInt(args[i + 1]);
                case "--targets" -> targets = List.of(args[i + 1].split(","));
                case "--jvm" -> jvm = List.of(args[i + 1].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(DIR);
        ServerCertificate.loadOrCreate(DIR, "127.0.0.1"); // the relay's and Mosquitto's listener certificate
        System.out.printf(Locale.ROOT, "machine: %d cores, JDK %s; load before: %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("printer: simulated P1 (this JVM), %d change reports/s of about 200 bytes, QoS 0; clients: Netty, TLS%n", rate);
        System.out.println("CPU ms per 1000 client-messages: the target's total (loops: its Netty event-loop threads; JIT: its compiler"
                + " threads; Mosquitto has one thread); RSS added: VmRSS after the run - VmRSS with no client, both after a GC (relay)");
        System.out.println("target     clients  messages/s  p50 ms  p99 ms  max ms  lost  CPU ms/1000 msgs   loops    JIT  RSS added MB");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        SslContext tls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        List<String> joinLines = new ArrayList<>();
        try (MqttPrinterSimulator printer = MqttPrinterSimulator.start(0, CODE, MqttPrinterSimulator.Options.DEFAULT
                .withMaxClients(4).withPrinting(false).withTick(Duration.ofHours(1)))) {
            for (String target : targets) {
                try (Target t = target.equals("relay") ? Target.relay(printer.port(), jvm) : Target.mosquitto(printer)) {
                    // a first round with the most clients and many reports compiles the hot code, so what the
                    // JIT takes is not counted as the clients' memory; then the baseline with no client
                    warmUp(t, printer, group, tls, counts.stream().max(Integer::compare).orElse(1), rate);
                    double rss0 = settledRssMb(t);
                    for (int n : counts) {
                        run(t, printer, group, tls, n, seconds, rate, rss0);
                    }
                    joinLines.add(joins(t, printer, group, tls, joins));
                }
            }
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        }
        System.out.println("target     time from CONNECT to the complete state: p50 ms  p90 ms  max ms  (joins)");
        joinLines.forEach(System.out::println);
        System.out.printf("load after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** Child mode: the relay in front of the printer at {@code printerPort}; prints its port, runs until stdin closes. */
    private static void runRelay(int printerPort) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Transports.ioHandlerFactory()); // as Application does
        ProxyContext context = new ProxyContext(new PrinterAddress("127.0.0.1", Bambu.CHAMBER_PORT, Bambu.RTSP_PORT, new Secret(CODE)),
                new Tls(ServerCertificate.loadOrCreate(DIR, "127.0.0.1"), Tls.defaultProvider()), group,
                new StatusBoard(CameraType.UNKNOWN), new AuthThrottle());
        MqttRelay relay = new MqttRelay(context, new MqttRelaySettings("127.0.0.1", 0, printerPort, null, 500, 0,
                MqttRelaySettings.LOGIN_LIMIT, MqttRelaySettings.PUSHALL_INTERVAL), UpstreamTimings.MQTT);
        relay.start();
        SmallHeap.apply();
        System.out.println("PORT " + relay.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the parent closes our stdin
        }
        relay.close();
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }

    /** What the clients connect to: the relay (child JVM) or Mosquitto bridged to the printer. */
    private record Target(String name, Process process, int port, boolean cachesState) implements AutoCloseable {
        long pid() {
            return process.pid();
        }

        static Target relay(int printerPort, List<String> jvm) throws Exception {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(jvm);
            command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                    MqttRelayBenchmark.class.getName(), "relay", String.valueOf(printerPort)));
            Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("PORT ")) {
                line = out.readLine();
            }
            if (line == null) {
                child.destroyForcibly();
                throw new IllegalStateException("the relay did not start");
            }
            return new Target("relay", child, Integer.parseInt(line.substring(5)), true);
        }

        /** Mosquitto with a TLS listener for the clients and a bridge (MQTT 3.1.1 over TLS, bblp) to the printer. */
        static Target mosquitto(MqttPrinterSimulator printer) throws Exception {
            Path printerCert = DIR.resolve("printer-cert.pem");
            Files.writeString(printerCert, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(printer.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
            int port = FreePort.get();
            Path conf = DIR.resolve("mosquitto-bridge.conf");
            Files.write(conf, List.of(
                    "user " + System.getProperty("user.name"),
                    "persistence false",
                    "log_dest stderr",
                    "log_type error",
                    "log_type warning",
                    "per_listener_settings false",
                    "allow_anonymous true",
                    "listener " + port + " 127.0.0.1",
                    "certfile " + DIR.resolve("pandaproxy-cert.pem").toAbsolutePath(),
                    "keyfile " + DIR.resolve("pandaproxy-key.pem").toAbsolutePath(),
                    "connection printer",
                    "address 127.0.0.1:" + printer.port(),
                    "bridge_protocol_version mqttv311",
                    "try_private false",
                    "notifications false",
                    "cleansession true",
                    "remote_username bblp",
                    "remote_password " + CODE,
                    "bridge_cafile " + printerCert.toAbsolutePath(),
                    "bridge_insecure true",
                    "topic device/+/report in 0",
                    "topic device/+/request out 0"));
            Process broker = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (printer.logins() == 0 || !accepts(port)) {
                if (!broker.isAlive() || System.nanoTime() > deadline) {
                    broker.destroyForcibly();
                    throw new IllegalStateException("mosquitto did not start or did not reach the printer");
                }
                Thread.sleep(20);
            }
            return new Target("mosquitto", broker, port, false);
        }

        private static boolean accepts(int port) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        }

        @Override
        public void close() throws Exception {
            if (name.equals("relay")) {
                process.getOutputStream().close();
            } else {
                process.destroy();
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void warmUp(Target target, MqttPrinterSimulator printer, EventLoopGroup group, SslContext tls, int n, int rate)
            throws Exception {
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                clients.add(Client.connect(group, tls, target.port(), "warm-" + i).get(10, TimeUnit.SECONDS));
            }
            // the per-report code runs once per report, not per client: reports at 500/s for 10 s get it
            // past the JIT's thresholds, which 50 reports/s would take minutes to
            new Publisher(printer, Math.max(rate, 500)).runFor(10_000);
        } finally {
            clients.forEach(Client::close);
        }
    }

    private static void run(Target target, MqttPrinterSimulator printer, EventLoopGroup group, SslContext tls, int n, int seconds,
            int rate, double rss0) throws Exception {
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                clients.add(Client.connect(group, tls, target.port(), "bench-" + n + "-" + i).get(10, TimeUnit.SECONDS));
            }
            Publisher publisher = new Publisher(printer, rate);
            publisher.runFor(WARMUP_MILLIS);
            Thread.sleep(200); // the warm-up's last reports arrive
            long first = publisher.sequence + 1;
            clients.forEach(c -> c.measure(first, Long.MAX_VALUE));
            RtspBenchmark.Cpu cpu0 = RtspBenchmark.Cpu.of(target.pid());
            long t0 = System.nanoTime();
            long sent = publisher.runFor(seconds * 1000L);
            long last = publisher.sequence;
            clients.forEach(c -> c.measure(first, last));
            Thread.sleep(200); // the last ones arrive
            long elapsed = System.nanoTime() - t0;
            RtspBenchmark.Cpu used = RtspBenchmark.Cpu.of(target.pid()).minus(cpu0);
            long[] all = clients.stream().flatMapToLong(c -> Arrays.stream(c.latencies())).sorted().toArray();
            long received = all.length;
            long lost = sent * n - received;
            double perThousand = received == 0 ? Double.NaN : 1e6 * (received / 1000.0);
            System.out.printf(Locale.ROOT, "%-10s %7d %11.0f %7.2f %7.2f %7.2f %5d %17.2f %7.2f %6.2f %13.1f%n", target.name(), n,
                    received / (elapsed / 1e9), pct(all, 50) / 1e6, pct(all, 99) / 1e6, all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                    lost, used.total() / perThousand, used.loops() / perThousand, used.jit() / perThousand,
                    settledRssMb(target) - rss0);
        } finally {
            clients.forEach(Client::close);
        }
    }

    /** Clients joining one after the other while reports flow: CONNECT → the complete state. */
    private static String joins(Target target, MqttPrinterSimulator printer, EventLoopGroup group, SslContext tls, int joins)
            throws Exception {
        Publisher publisher = new Publisher(printer, 5);
        Thread background = new Thread(() -> publisher.runFor(Long.MAX_VALUE));
        background.setDaemon(true);
        background.start();
        long[] times = new long[joins];
        try {
            for (int i = 0; i < joins; i++) {
                Client c = Client.connect(group, tls, target.port(), "join-" + i).get(10, TimeUnit.SECONDS);
                try {
                    if (!target.cachesState()) {
                        c.publish("{\"pushing\":{\"sequence_id\":\"" + i + "\",\"command\":\"pushall\",\"version\":1,\"push_target\":1}}");
                    }
                    times[i] = c.fullState.get(10, TimeUnit.SECONDS) - c.connectSent;
                } finally {
                    c.close();
                }
                Thread.sleep(100);
            }
        } finally {
            publisher.stop();
        }
        Arrays.sort(times);
        return String.format(Locale.ROOT, "%-10s %49.2f %7.2f %7.2f  (%d)", target.name(), pct(times, 50) / 1e6, pct(times, 90) / 1e6,
                times[times.length - 1] / 1e6, joins);
    }

    /** The printer's side: change reports at a steady rate, each stamped with the time it was handed over. */
    private static final class Publisher {
        private final MqttPrinterSimulator printer;
        private final long periodNanos;
        private volatile boolean stopped;
        volatile long sequence;

        Publisher(MqttPrinterSimulator printer, int rate) {
            this.printer = printer;
            this.periodNanos = 1_000_000_000L / rate;
        }

        /** Publishes for {@code millis} (or until stopped); returns how many reports were sent. */
        long runFor(long millis) {
            long end = millis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + millis * 1_000_000;
            long next = System.nanoTime();
            long sent = 0;
            while (!stopped && System.nanoTime() < end) {
                sequence++;
                String report = String.format(Locale.ROOT, "{\"print\":{\"nozzle_temper\":%.2f,\"bed_temper\":%.2f,\"mc_percent\":%d,"
                                + "\"layer_num\":%d,\"wifi_signal\":\"-48dBm\",\"command\":\"push_status\",\"msg\":1,\"sequence_id\":\"%d\","
                                + "\"t\":%d}}", 219.5 + sequence % 5 * 0.25, 59.8 + sequence % 3 * 0.1, sequence / 100 % 100,
                        sequence / 10 % 240, sequence, System.nanoTime());
                printer.publish(report.getBytes(StandardCharsets.UTF_8));
                sent++;
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            return sent;
        }

        void stop() {
            stopped = true;
        }
    }

    /** One MQTT 3.1.1 client over TLS (Netty): subscribes to the reports and notes each one's latency. */
    private static final class Client extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Client> ready = new CompletableFuture<>();
        final CompletableFuture<Long> fullState = new CompletableFuture<>();
        private final String id;
        private Channel channel;
        private long[] latencies = new long[1024];
        private int count;
        private volatile long from = Long.MAX_VALUE;
        private volatile long to;
        long connectSent;

        private Client(String id) {
            this.id = id;
        }

        static CompletableFuture<Client> connect(EventLoopGroup group, SslContext tls, int port, String id) {
            Client c = new Client(id);
            new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc(), "127.0.0.1", port), new MqttDecoder(1024 * 1024),
                            MqttEncoder.INSTANCE, c);
                }
            }).connect("127.0.0.1", port).addListener(f -> {
                if (!f.isSuccess()) {
                    c.ready.completeExceptionally(f.cause());
                }
            });
            return c.ready;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent done && done.isSuccess()) {
                channel = ctx.channel();
                connectSent = System.nanoTime();
                ctx.writeAndFlush(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId(id).cleanSession(true)
                        .keepAlive(60).hasUser(true).username("bblp").hasPassword(true).password(CODE.getBytes(StandardCharsets.UTF_8))
                        .build());
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long now = System.nanoTime();
            try {
                MqttMessage m = (MqttMessage) msg;
                MqttMessageType type = m.fixedHeader().messageType();
                if (type == MqttMessageType.CONNACK) {
                    ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                            .addSubscription(MqttQoS.AT_MOST_ONCE, "device/" + SERIAL + "/report").build());
                } else if (type == MqttMessageType.SUBACK) {
                    ready.complete(this);
                } else if (type == MqttMessageType.PUBLISH) {
                    String payload = ((MqttPublishMessage) m).payload().toString(StandardCharsets.UTF_8);
                    if (payload.contains("\"msg\":0")) {
                        fullState.complete(now);
                    }
                    Matcher stamp = STAMP.matcher(payload);
                    if (stamp.find() && payload.contains("\"msg\":1")) {
                        long sequence = Long.parseLong(stamp.group(1));
                        if (sequence >= from && sequence <= to) {
                            record(now - Long.parseLong(stamp.group(2)));
                        }
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private synchronized void record(long latency) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = latency;
        }

        /** Notes the latencies of reports {@code from} to {@code to} (the publisher's sequence numbers) only. */
        synchronized void measure(long from, long to) {
            if (from != this.from) {
                count = 0;
            }
            this.from = from;
            this.to = to;
        }

        synchronized long[] latencies() {
            return Arrays.copyOf(latencies, count);
        }

        void publish(String json) {
            ByteBuf payload = Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8));
            channel.writeAndFlush(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_MOST_ONCE,
                    false, 0), new MqttPublishVariableHeader("device/" + SERIAL + "/request", 0), payload));
        }

        void close() {
            if (channel != null) {
                channel.writeAndFlush(MqttMessage.DISCONNECT);
                channel.close().awaitUninterruptibly(1000);
            }
        }
    }

    private static long pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    /** The target's RSS after a full GC (the relay, a JVM: {@code jcmd GC.run}), so heap sizing does not count as the clients'. */
    private static double settledRssMb(Target target) throws Exception {
        if (target.cachesState()) {
            Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(target.pid()), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            gc.waitFor(30, TimeUnit.SECONDS);
        }
        Thread.sleep(1000);
        return rssMb(target.pid());
    }

    private static double rssMb(long pid) throws Exception {
        Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
        return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
    }
}
