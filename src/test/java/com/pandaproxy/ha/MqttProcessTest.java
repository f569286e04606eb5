package com.pandaproxy.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program as users run it (its own JVM, {@code --demo}, the Main class of the jar) with
 * MQTT to a real Mosquitto: what Home Assistant sees on SIGTERM, and a broker that refuses the
 * password while the video carries on.
 */
class MqttProcessTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final String SERIAL = "01S00PROCESS";
    private static final String NODE = "01s00process";

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Process process;
    private Path log;
    private int chamberPort;

    @AfterEach
    void stop() throws Exception {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    /** Starts the demo with MQTT to {@code broker}; output (stdout and stderr) goes to {@link #log}. */
    private void startDemo(Mosquitto broker, Map<String, String> env, String... extra) throws IOException {
        startDemo("chamber", 0, broker, env, extra);
    }

    private void startDemo(String demo, int snapshotSeconds, Mosquitto broker, Map<String, String> env, String... extra)
            throws IOException {
        chamberPort = FreePort.get();
        log = dir.resolve("pandaproxy.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "com.pandaproxy.app.Main", "--demo", demo, "--chamber-port", String.valueOf(chamberPort),
                "--rtsp-port", String.valueOf(FreePort.get()), "--http-port", String.valueOf(FreePort.get()),
                "--mqtt-relay-port", String.valueOf(FreePort.get()), "--data-dir", dir.resolve("data").toString(),
                "--serial", SERIAL, "--mqtt-url", "mqtt://127.0.0.1:" + broker.port, "--snapshot-interval",
                String.valueOf(snapshotSeconds)));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        process = builder.start();
    }

    private String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM; returns the milliseconds until the process had exited (at most 5 s are waited). */
    private long sigterm() throws InterruptedException {
        long start = System.nanoTime();
        process.destroy();
        assertTrue(process.waitFor(5, TimeUnit.SECONDS), "still running 5 s after SIGTERM");
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void sigtermPublishesOfflineBeforeExitingWithinTwoSeconds() throws Exception {
        Mosquitto broker = new Mosquitto(dir, null, null).start();
        closeables.add(broker);
        Topics topics = new Topics("homeassistant", "pandaproxy", NODE);
        Probe probe = new Probe(broker.uri(), null, null, topics.availability(), topics.state("printer_camera"));
        closeables.add(probe);
        startDemo(broker, Map.of());
        Await.until("online and streaming on the broker", START, () -> "online".equals(probe.text(topics.availability()))
                && "ON".equals(probe.text(topics.state("printer_camera"))) || !process.isAlive());
        assertTrue(process.isAlive(), output());
        int before = probe.all.size();

        long millis = sigterm();
        long exited = System.nanoTime();
        assertTrue(millis <= 2000, "exit took " + millis + " ms");
        Probe.Received offline = probe.since(before).stream()
                .filter(r -> r.topic().equals(topics.availability()) && r.text().equals("offline")).findFirst()
                .orElseThrow(() -> new AssertionError("no offline on " + topics.availability() + ": " + probe.all));
        assertTrue(offline.nanos() <= exited, "offline arrived after the process had exited");
        // a clean DISCONNECT: the offline was the proxy's own message, not the broker's last will
        Await.until("the broker saw a clean disconnect", Duration.ofSeconds(5),
                () -> broker.logText().contains("Client " + topics.clientId() + " disconnected."));
        assertFalse(broker.logText().contains("Client " + topics.clientId() + " closed its connection"), broker.logText());
        assertTrue(output().contains("MQTT disconnected") && output().contains("Stopped"), output());
    }

    /** An RTSP printer's camera entity gets pictures too: its keyframes, decoded by the web server's snapshots. */
    @Test
    void rtspPrintersCameraEntityGetsDecodedKeyframes() throws Exception {
        Mosquitto broker = new Mosquitto(dir, null, null).start();
        closeables.add(broker);
        Topics topics = new Topics("homeassistant", "pandaproxy", NODE);
        Probe probe = new Probe(broker.uri(), null, null, topics.snapshot(), topics.discovery("camera", "chamber"));
        closeables.add(probe);
        startDemo("rtsp", 1, broker, Map.of());
        Await.until("a snapshot on the broker", START, () -> probe.latest.containsKey(topics.snapshot()) || !process.isAlive());
        assertTrue(process.isAlive(), output());
        assertTrue(probe.latest.get(topics.discovery("camera", "chamber")).payload().length > 0, "the camera entity exists");
        java.awt.image.BufferedImage picture = javax.imageio.ImageIO.read(
                new java.io.ByteArrayInputStream(probe.latest.get(topics.snapshot()).payload()));
        assertEquals(640, picture.getWidth(), "the RTSP demo's clip, decoded");
        assertTrue(sigterm() <= 2000, "exit after SIGTERM");
    }

    @Test
    void wrongBrokerPasswordStillServesVideoAndKeepsSecretsOutOfTheOutput() throws Exception {
        String rightPassword = "right-pass-4821";
        String wrongPassword = "wrong-pass-9153";
        String accessCode = "24681357";
        Mosquitto broker = new Mosquitto(dir, Mosquitto.passwordFile(dir, "ha", rightPassword), null).start();
        closeables.add(broker);
        startDemo(broker, Map.of("MQTT_PASSWORD", wrongPassword), "--mqtt-username", "ha", "--access-code", accessCode);

        try (ChamberViewer viewer = ChamberViewer.connect("127.0.0.1", chamberPort, "bblp", accessCode, START)) {
            viewer.nextFrame(Duration.ofSeconds(20));
            // three refusals: the proxy retried (with backoff) and must have logged the refusal once
            Await.until("three refused MQTT logins", Duration.ofSeconds(30),
                    () -> broker.logText().split("not authori[sz]ed", -1).length > 3 || !process.isAlive());
            assertTrue(process.isAlive(), output());
            viewer.nextFrame(Duration.ofSeconds(5));
            viewer.nextFrame(Duration.ofSeconds(5));
        }
        assertTrue(sigterm() <= 2000, "exit after SIGTERM");
        String out = output();
        assertEquals(1, out.split("refused the user name or password", -1).length - 1, out);
        assertFalse(out.contains(wrongPassword) || out.contains(rightPassword), "an MQTT password in the output:\n" + out);
        assertFalse(out.contains(accessCode), "the access code in the output:\n" + out);
        assertTrue(out.contains("Chamber client") && out.contains("joined"), out);
    }
}
