package com.pandaproxy.ha;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.tls.LocalCa;
import com.pandaproxy.tls.PrinterTrust;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.TrustMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge against a real broker in this JVM: HiveMQ Community Edition (embedded). */
class HiveMqBridgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SERIALS = new AtomicInteger();

    @TempDir
    static Path dir;
    private static EmbeddedHiveMq broker;

    private FakePrinter printer;
    private HomeAssistantBridge bridge;
    private Probe probe;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedHiveMq(dir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    /** A bridge for a fresh printer (own serial, so tests do not see each other's topics) and a probe. */
    private Topics start(CameraType type, int snapshotSeconds) throws Exception {
        return start(new FakePrinter(type), snapshotSeconds);
    }

    private Topics start(FakePrinter fake, int snapshotSeconds) throws Exception {
        printer = fake;
        MqttSettings settings = MqttSettings.parse(broker.uri(), null, null, "homeassistant", "pandaproxy",
                Integer.toString(snapshotSeconds), null, null);
        String serial = "01S00T" + SERIALS.incrementAndGet();
        bridge = new HomeAssistantBridge(settings, serial, "192.0.2.7", printer);
        Topics t = bridge.topics();
        probe = new Probe(broker.uri(), null, null, "homeassistant/+/" + t.nodeId() + "/#", "pandaproxy/" + t.nodeId() + "/#");
        bridge.start();
        probe.awaitText(t.availability(), "online");
        probe.awaitText(t.state("clients"), "0");
        return t;
    }

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (probe != null) {
            probe.close();
        }
        if (printer != null) {
            printer.close();
        }
    }

    @Test
    void discoveryCarriesWhatHomeAssistantNeeds() throws Exception {
        Topics t = start(CameraType.CHAMBER, 10);
        String[][] expected = {
            {"sensor", "camera_type"}, {"sensor", "clients"}, {"binary_sensor", "printer_camera"},
            {"button", "reconnect"}, {"button", "redetect"}, {"sensor", "frame_rate"}, {"sensor", "bitrate"},
            {"sensor", "last_frame"}, {"sensor", "reconnects"}, {"sensor", "upstream_state"},
            {"sensor", "printer_certificate"}, {"button", "trust_certificate"}, {"camera", "chamber"}};
        for (String[] e : expected) {
            String topic = t.discovery(e[0], e[1]);
            Await.until(topic, Probe.WAIT, () -> probe.latest.containsKey(topic));
            Probe.Received r = probe.latest.get(topic);
            assertTrue(r.retained() || r.payload().length > 0, topic);
            JsonNode config = JSON.readTree(r.payload());
            assertEquals(t.uniqueId(e[1]), config.path("unique_id").asText(), topic);
            assertEquals(t.deviceId(), config.path("device").path("identifiers").path(0).asText(), topic);
            assertEquals(t.availability(), config.path("availability_topic").asText(), topic);
            switch (e[0]) {
                case "button" -> assertEquals(t.button(e[1]), config.path("command_topic").asText(), topic);
                case "camera" -> assertEquals(t.snapshot(), config.path("topic").asText(), topic);
                default -> assertEquals(t.state(e[1]), config.path("state_topic").asText(), topic);
            }
        }
        probe.awaitText(t.state("camera_type"), "chamber");
        probe.awaitText(t.state("printer_camera"), "ON");
        probe.awaitText(t.state("upstream_state"), "streaming");
        assertEquals("None", probe.text(t.state("last_frame")));
    }

    @Test
    void statesFollowClientsConnectingAndLeaving() throws Exception {
        Topics t = start(CameraType.CHAMBER, 0);
        var first = printer.board.clientConnected("chamber", null);
        var second = printer.board.clientConnected("chamber", null);
        probe.awaitText(t.state("clients"), "2");
        printer.board.clientDisconnected(first);
        probe.awaitText(t.state("clients"), "1");
        printer.board.frame(1000);
        printer.board.clientDisconnected(second);
        probe.awaitText(t.state("clients"), "0");
        Await.until("last frame time", Probe.WAIT, () -> !"None".equals(probe.text(t.state("last_frame"))));
        assertTrue(probe.text(t.state("last_frame")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00"),
                probe.text(t.state("last_frame")));
    }

    @Test
    void theRelaysEntitiesComeWithTheRelay() throws Exception {
        Topics t = start(CameraType.CHAMBER, 0);
        String connectivity = t.discovery("binary_sensor", "printer_mqtt");
        Await.until("relay entity removed while there is no relay", Probe.WAIT,
                () -> probe.latest.containsKey(connectivity) && probe.latest.get(connectivity).payload().length == 0);
        printer.board.relay(new PrinterStatus.RelayStatus(UpstreamState.CONNECTING, 0));
        Await.until("relay entity announced", Probe.WAIT, () -> probe.latest.get(connectivity).payload().length > 0);
        assertEquals("Printer MQTT", JSON.readTree(probe.latest.get(connectivity).payload()).path("name").asText());
        assertTrue(probe.latest.get(t.discovery("sensor", "mqtt_clients")).payload().length > 0);
        probe.awaitText(t.state("printer_mqtt"), "OFF");
        printer.board.relay(new PrinterStatus.RelayStatus(UpstreamState.STREAMING, 3));
        probe.awaitText(t.state("printer_mqtt"), "ON");
        probe.awaitText(t.state("mqtt_clients"), "3");
    }

    @Test
    void clientCountIsCoalescedToOncePerSecond() throws Exception {
        Topics t = start(CameraType.RTSP, 0);
        int from = probe.all.size();
        for (int i = 0; i < 20; i++) {
            printer.board.clientConnected("rtsp", null);
        }
        probe.awaitText(t.state("clients"), "20");
        List<Probe.Received> counts = probe.since(from).stream()
                .filter(r -> r.topic().equals(t.state("clients"))).toList();
        for (int i = 1; i < counts.size(); i++) {
            long gap = counts.get(i).nanos() - counts.get(i - 1).nanos();
            assertTrue(gap > 800_000_000L, "client count published twice within " + gap / 1_000_000 + " ms");
        }
    }

    @Test
    void pressingReconnectReconnectsAndTheCameraGoesOffThenOn() throws Exception {
        Topics t = start(CameraType.CHAMBER, 0);
        probe.awaitText(t.state("printer_camera"), "ON");
        int from = probe.all.size();
        probe.publish(t.button("reconnect"), "PRESS");
        Await.until("reconnect called", Probe.WAIT, () -> printer.reconnects.get() == 1);
        probe.awaitTextAfter(from, t.state("printer_camera"), "OFF");
        int off = probe.indexOf(from, t.state("printer_camera"), "OFF");
        probe.awaitTextAfter(off + 1, t.state("printer_camera"), "ON");
        probe.awaitText(t.state("reconnects"), "1");
        assertEquals(0, printer.redetects.get());
    }

    @Test
    void commandTopicTakesPlainTextAndIgnoresTheRest() throws Exception {
        Topics t = start(CameraType.CHAMBER, 0);
        probe.publish(t.command(), "bogus");
        probe.publish(t.command(), "reconnect".repeat(10));
        probe.publish(t.button("redetect"), "NOT-PRESS");
        probe.publish(t.command(), "redetect");
        Await.until("redetect called", Probe.WAIT, () -> printer.redetects.get() == 1);
        probe.publish(t.button("redetect"), "PRESS");
        Await.until("redetect pressed", Probe.WAIT, () -> printer.redetects.get() == 2);
        probe.publish(t.command(), "reconnect");
        Await.until("reconnect called", Probe.WAIT, () -> printer.reconnects.get() == 1);
        assertEquals(2, printer.redetects.get());
    }

    @Test
    void homeAssistantComingOnlineGetsDiscoveryAgain() throws Exception {
        Topics t = start(CameraType.CHAMBER, 0);
        Await.until("discovery", Probe.WAIT, () -> probe.latest.containsKey(t.discovery("sensor", "clients")));
        int from = probe.all.size();
        probe.publish(t.homeAssistantStatus(), "online");
        Await.until("discovery sent again", Probe.WAIT, () -> probe.since(from).stream()
                .anyMatch(r -> r.topic().equals(t.discovery("sensor", "clients"))));
        Await.until("states sent again", Probe.WAIT, () -> probe.since(from).stream()
                .anyMatch(r -> r.topic().equals(t.state("clients"))));
    }

    @Test
    void cameraEntityFollowsTheCameraTypeAndGetsSnapshots() throws Exception {
        Topics t = start(CameraType.CHAMBER, 1);
        String cameraConfig = t.discovery("camera", "chamber");
        Await.until("camera config", Probe.WAIT, () -> probe.latest.containsKey(cameraConfig)
                && probe.latest.get(cameraConfig).payload().length > 0);
        Await.until("snapshot", Probe.WAIT, () -> probe.latest.containsKey(t.snapshot()));
        assertArrayEquals(FakePrinter.JPEG, probe.latest.get(t.snapshot()).payload());
        assertFalse(probe.latest.get(t.snapshot()).retained());

        // RTSP printers have the camera entity too (decoded keyframes)
        printer.board.cameraType(CameraType.RTSP);
        probe.awaitText(t.state("camera_type"), "rtsp");
        assertTrue(probe.latest.get(cameraConfig).payload().length > 0);
        printer.board.cameraType(CameraType.UNKNOWN);
        probe.awaitText(t.state("camera_type"), "unknown");
        Await.until("camera config removed", Probe.WAIT, () -> probe.latest.get(cameraConfig).payload().length == 0);
    }

    @Test
    void certificateSensorFollowsThePolicyAndTheButtonTrustsTheNewCertificate() throws Exception {
        LocalCa ca = LocalCa.create("Test Printer CA");
        PrinterTrust trust = PrinterTrust.of(new PrinterTrust.Settings(TrustMode.AUTO, "192.0.2.7", null,
                Files.createTempDirectory(dir, "pins"), List.of(ca.certificate())));
        Topics t = start(new FakePrinter(CameraType.CHAMBER, trust), 0);
        JsonNode sensor = discovered(t.discovery("sensor", "printer_certificate"));
        assertEquals("diagnostic", sensor.path("entity_category").asText());
        assertEquals("[\"verified\",\"pinned\",\"changed\",\"refused\",\"off\"]", sensor.path("options").toString());
        String attributes = sensor.path("json_attributes_topic").asText();
        JsonNode button = discovered(t.discovery("button", "trust_certificate"));
        assertEquals("Trust the printer's new certificate", button.path("name").asText());
        probe.awaitText(t.state("printer_certificate"), "None");

        ServerCertificate real = ca.issue("01S00T000000001");
        String realSha = sha256(real);
        present(trust, real);
        probe.awaitText(t.state("printer_certificate"), "verified");
        Await.until("fingerprint", Probe.WAIT, () -> realSha.equals(json(attributes).path("sha256").asText()));
        assertEquals("01S00T000000001", json(attributes).path("cn").asText());

        ServerCertificate impostor = LocalCa.selfSigned("01S00T000000001");
        String impostorSha = sha256(impostor);
        assertThrows(CertificateException.class, () -> present(trust, impostor));
        probe.awaitText(t.state("printer_certificate"), "changed");
        Await.until("new fingerprint", Probe.WAIT, () -> impostorSha.equals(json(attributes).path("new_sha256").asText()));
        assertEquals(realSha, json(attributes).path("sha256").asText());

        probe.publish(t.button("trust_certificate"), "PRESS");
        probe.awaitText(t.state("printer_certificate"), "pinned");
        Await.until("trusted fingerprint", Probe.WAIT, () -> impostorSha.equals(json(attributes).path("sha256").asText())
                && json(attributes).path("new_sha256").isNull());
        assertEquals(1, printer.certificatesTrusted.get());
        present(trust, impostor);
        assertThrows(CertificateException.class, () -> present(trust, real));
    }

    private JsonNode discovered(String topic) {
        Await.until(topic, Probe.WAIT, () -> probe.latest.containsKey(topic));
        return json(topic);
    }

    private JsonNode json(String topic) {
        try {
            String text = probe.text(topic);
            return text == null ? JSON.missingNode() : JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void present(PrinterTrust trust, ServerCertificate printer) throws CertificateException {
        trust.trustManager().checkServerTrusted(printer.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA");
    }

    private static String sha256(ServerCertificate c) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.certificate().getEncoded()));
    }

    @Test
    void cleanCloseLeavesAvailabilityOffline() throws Exception {
        Topics t = start(CameraType.CHAMBER, 0);
        long before = System.nanoTime();
        bridge.close();
        assertTrue(System.nanoTime() - before < 2_500_000_000L, "close took too long");
        probe.awaitText(t.availability(), "offline");
        assertFalse(bridge.connected());
        // a newcomer (Home Assistant starting later) sees the retained offline
        try (Probe late = new Probe(broker.uri(), null, null, t.availability())) {
            late.awaitText(t.availability(), "offline");
            assertTrue(late.latest.get(t.availability()).retained());
        }
    }
}
