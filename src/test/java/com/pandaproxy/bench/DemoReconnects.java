package com.pandaproxy.bench;

import com.pandaproxy.app.Application;
import com.pandaproxy.app.Cli;
import com.pandaproxy.app.Config;
import com.pandaproxy.ha.Probe;
import com.pandaproxy.ha.Topics;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.sim.SimulatedPrinter;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.FreePort;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;

/**
 * One demo printer ({@code chamber} or {@code rtsp}) with the application started in this JVM
 * as Main starts it, MQTT to a broker, and one client watching the stream:
 * <ul>
 *   <li>joins: a new client connecting (before its TCP connect) → the "Clients" state on the broker;</li>
 *   <li>presses: Reconnect pressed (a publish to the button's command topic) → "Printer camera" OFF
 *       then back ON on the broker, and → the watching client receiving a frame again (chamber: the
 *       first JPEG after the upstream stopped streaming; RTSP: the first keyframe after it).</li>
 * </ul>
 * Also counts upstream backoffs during the presses (there should be none).
 */
final class DemoReconnects {
    private static final int JOINS = 5;
    private static final int PRESSES = 7;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CODE = SimulatedPrinter.DEMO_ACCESS_CODE;

    private final String demo;
    private final String brokerUri;
    private final Path dir;

    DemoReconnects(String demo, String brokerUri, Path dir) {
        this.demo = demo;
        this.brokerUri = brokerUri;
        this.dir = dir;
    }

    void run() throws Exception {
        int chamberPort = FreePort.get();
        int rtspPort = FreePort.get();
        String serial = "BENCH" + demo.toUpperCase(java.util.Locale.ROOT);
        Cli cli = new Cli();
        new CommandLine(cli).parseArgs("--demo", demo, "--bind", "127.0.0.1", "--chamber-port", String.valueOf(chamberPort),
                "--rtsp-port", String.valueOf(rtspPort), "--http-port", String.valueOf(FreePort.get()),
                "--mqtt-relay-port", String.valueOf(FreePort.get()), "--data-dir", dir.resolve(demo).toString(), "--serial", serial,
                "--mqtt-url", brokerUri, "--snapshot-interval", "0", "--log-level", "warn");
        Config config = cli.toConfig();
        Topics topics = new Topics("homeassistant", "pandaproxy", Topics.nodeId(serial, null));
        String camera = topics.state("printer_camera");
        String clients = topics.state("clients");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AtomicLong down = new AtomicLong();
        AtomicInteger backoffs = new AtomicInteger();
        AtomicReference<UpstreamState> last = new AtomicReference<>(UpstreamState.DETECTING);
        try (Application app = Application.start(config); Probe probe = new Probe(brokerUri, null, null, camera, clients)) {
            app.status().addListener(s -> {
                UpstreamState was = last.getAndSet(s.upstreamState());
                if (was == UpstreamState.STREAMING && s.upstreamState() != UpstreamState.STREAMING) {
                    down.set(System.nanoTime());
                }
                if (was != s.upstreamState() && (s.upstreamState() == UpstreamState.BACKING_OFF
                        || s.upstreamState() == UpstreamState.AUTH_REJECTED)) {
                    backoffs.incrementAndGet();
                }
            });
            Await.until("streaming, on the broker", WAIT, () -> "ON".equals(probe.text(camera)));

            List<Viewer> viewers = new ArrayList<>();
            List<Double> joins = new ArrayList<>();
            try {
                for (int i = 1; i <= JOINS + 1; i++) {
                    Thread.sleep(1200); // past the once-a-second coalescing: the usual case
                    long t0 = System.nanoTime();
                    viewers.add(demo.equals("rtsp") ? new RtspViewer(group, rtspPort) : new JpegViewer(chamberPort));
                    String want = Integer.toString(i);
                    probe.awaitText(clients, want);
                    if (i > 1) { // the first one warms up
                        joins.add((probe.latest.get(clients).nanos() - t0) / 1e6);
                    }
                }
                Viewer watcher = viewers.get(0);
                watcher.frameAfter(System.nanoTime() - TimeUnit.SECONDS.toNanos(1), WAIT);

                List<Double> on = new ArrayList<>();
                List<Double> frame = new ArrayList<>();
                backoffs.set(0);
                for (int i = 0; i < PRESSES; i++) {
                    Thread.sleep(1500);
                    int from = probe.all.size();
                    long t0 = System.nanoTime();
                    probe.publish(topics.button("reconnect"), "PRESS");
                    Await.until("Printer camera OFF then ON", WAIT, () -> onAfterOff(probe, camera, from) != null);
                    on.add((onAfterOff(probe, camera, from).nanos() - t0) / 1e6);
                    Await.until("the upstream went down", WAIT, () -> down.get() > t0);
                    frame.add((watcher.frameAfter(down.get(), WAIT) - t0) / 1e6);
                }
                System.out.printf("demo %-8s client joins -> Clients:      %s%n", demo, MqttLatencyBenchmark.summary(joins));
                System.out.printf("demo %-8s Reconnect -> camera ON:      %s%n", demo, MqttLatencyBenchmark.summary(on));
                System.out.printf("demo %-8s Reconnect -> frame at client: %s%n", demo, MqttLatencyBenchmark.summary(frame));
                System.out.printf("demo %-8s upstream backoffs during the presses: %d%n", demo, backoffs.get());
            } finally {
                for (Viewer v : viewers) {
                    v.close();
                }
            }
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        }
    }

    /** The first ON on {@code topic} after an OFF, both after message {@code from}, or null. */
    private static Probe.Received onAfterOff(Probe probe, String topic, int from) {
        boolean off = false;
        for (Probe.Received r : probe.since(from)) {
            if (r.topic().equals(topic)) {
                if (r.text().equals("OFF")) {
                    off = true;
                } else if (off && r.text().equals("ON")) {
                    return r;
                }
            }
        }
        return null;
    }

    /** A client of the proxy that notes when pictures arrive. */
    private interface Viewer extends AutoCloseable {
        /** The nanoTime of the first picture to arrive after {@code nanos}, waiting up to {@code timeout}. */
        long frameAfter(long nanos, Duration timeout);

        @Override
        void close() throws IOException;
    }

    /** A chamber-image client reading JPEGs on its own thread. */
    private static final class JpegViewer implements Viewer {
        private final ChamberViewer viewer;
        private final List<Long> received = new CopyOnWriteArrayList<>();

        JpegViewer(int port) throws Exception {
            viewer = ChamberViewer.connect("127.0.0.1", port, Bambu.USER, CODE, WAIT);
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        viewer.nextFrame(Duration.ofSeconds(60));
                        received.add(System.nanoTime());
                    }
                } catch (IOException | InterruptedException e) {
                    // closed
                }
            }, "bench-jpeg-viewer");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public long frameAfter(long nanos, Duration timeout) {
            Await.until("a JPEG", timeout, () -> first(received, nanos) > 0);
            return first(received, nanos);
        }

        @Override
        public void close() throws IOException {
            viewer.close();
        }
    }

    /** An RTSP client (TCP interleaved) that notes when keyframes begin. */
    private static final class RtspViewer implements Viewer {
        private final BenchClient client;

        RtspViewer(EventLoopGroup group, int port) throws InterruptedException {
            client = new BenchClient(group, port, null, CODE);
            client.play("rtsp://127.0.0.1:" + port + "/stream");
        }

        @Override
        public long frameAfter(long nanos, Duration timeout) {
            Await.until("a keyframe", timeout, () -> first(client.keyframeNanos, nanos) > 0);
            return first(client.keyframeNanos, nanos);
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private static long first(List<Long> times, long after) {
        for (long t : times) {
            if (t > after) {
                return t;
            }
        }
        return -1;
    }
}
