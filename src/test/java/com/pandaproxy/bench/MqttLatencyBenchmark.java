package com.pandaproxy.bench;

import com.pandaproxy.ha.EmbeddedHiveMq;
import com.pandaproxy.ha.FakePrinter;
import com.pandaproxy.ha.HomeAssistantBridge;
import com.pandaproxy.ha.Mosquitto;
import com.pandaproxy.ha.MqttSettings;
import com.pandaproxy.ha.Probe;
import com.pandaproxy.printer.CameraType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Home Assistant's view of the proxy, as a subscriber on the broker (Home Assistant's place) sees it.
 * <ol>
 *   <li>A client connecting (StatusBoard.clientConnected) → the "Clients" state on the broker. Two
 *       cases: a change after a quiet second (the usual case) and a change right after a publish
 *       (held back by the once-a-second coalescing: the worst case). Against Mosquitto and the
 *       embedded HiveMQ.</li>
 *   <li>With the whole application in this JVM ({@code --demo chamber} and {@code --demo rtsp},
 *       MQTT to Mosquitto), see {@link DemoReconnects}: a real client joining → "Clients", and
 *       pressing Reconnect (a publish to the button's command topic) → "Printer camera" back ON
 *       on the broker, and → a connected client receiving a frame again.</li>
 * </ol>
 *
 * <pre>./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) com.pandaproxy.bench.MqttLatencyBenchmark</pre>
 */
public final class MqttLatencyBenchmark {
    private static final int QUIET_RUNS = 20;
    private static final int BURST_RUNS = 5;

    private MqttLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path dir = Files.createTempDirectory("mqtt-bench");
        System.out.printf("load average before: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        try (Mosquitto mosquitto = new Mosquitto(dir, null, null)) {
            mosquitto.start();
            run("mosquitto", mosquitto.uri());
            for (String demo : new String[] {"chamber", "rtsp"}) {
                new DemoReconnects(demo, mosquitto.uri(), dir).run();
            }
        }
        try (EmbeddedHiveMq hivemq = new EmbeddedHiveMq(dir)) {
            run("hivemq-ce embedded", hivemq.uri());
        }
        System.out.printf("load average after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static void run(String name, String uri) throws Exception {
        MqttSettings settings = MqttSettings.parse(uri, null, null, "homeassistant", "pandaproxy", "0", null, null);
        try (FakePrinter printer = new FakePrinter(CameraType.CHAMBER)) {
            HomeAssistantBridge bridge = new HomeAssistantBridge(settings, "01S00BENCH", "192.0.2.1", printer);
            String clients = bridge.topics().state("clients");
            try (Probe probe = new Probe(uri, null, null, clients)) {
                bridge.start();
                probe.awaitText(clients, "0");
                int count = 0;
                List<Double> quiet = new ArrayList<>();
                for (int i = 0; i < QUIET_RUNS + 3; i++) {
                    Thread.sleep(1200); // past the coalescing second
                    double ms = change(printer, probe, clients, ++count);
                    if (i >= 3) { // the first few warm up the JIT
                        quiet.add(ms);
                    }
                }
                List<Double> burst = new ArrayList<>();
                for (int i = 0; i < BURST_RUNS; i++) {
                    Thread.sleep(1200);
                    change(printer, probe, clients, ++count);
                    burst.add(change(printer, probe, clients, ++count)); // right after a publish
                }
                System.out.printf("%-20s quiet:  %s%n", name, summary(quiet));
                System.out.printf("%-20s burst:  %s%n", name, summary(burst));
            } finally {
                bridge.close();
            }
        }
    }

    /** One more client; milliseconds until the subscriber has the new count. */
    private static double change(FakePrinter printer, Probe probe, String topic, int expected) {
        String want = Integer.toString(expected);
        long t0 = System.nanoTime();
        printer.board.clientConnected("chamber", null);
        probe.awaitText(topic, want);
        return (probe.latest.get(topic).nanos() - t0) / 1e6;
    }

    static String summary(List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return String.format("n=%d min %.1f ms, median %.1f ms, p95 %.1f ms, max %.1f ms", sorted.size(), sorted.get(0),
                sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1), sorted.get(sorted.size() - 1));
    }
}
