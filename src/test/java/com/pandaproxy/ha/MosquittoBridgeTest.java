package com.pandaproxy.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.CameraType;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.StderrCapture;
import com.pandaproxy.tls.ServerCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge against Mosquitto: restarts, passwords, TLS. */
class MosquittoBridgeTest {
    @TempDir
    Path dir;

    private Mosquitto broker;
    private FakePrinter printer;
    private HomeAssistantBridge bridge;
    private Probe probe;

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
        if (broker != null) {
            broker.close();
        }
    }

    private HomeAssistantBridge bridge(String uri, String user, String password, String caFile, String insecure) throws Exception {
        printer = new FakePrinter(CameraType.CHAMBER);
        MqttSettings settings = MqttSettings.parse(uri, user, password, "homeassistant", "pandaproxy", "0", caFile, insecure);
        bridge = new HomeAssistantBridge(settings, null, "192.0.2.8", printer);
        return bridge;
    }

    private Probe probe(String user, String password, Topics t) throws Exception {
        probe = new Probe(broker.uri(), user, password, "homeassistant/+/" + t.nodeId() + "/#", "pandaproxy/" + t.nodeId() + "/#");
        return probe;
    }

    @Test
    void brokerRestartedEmptyGetsDiscoveryAndStatesBackByItself() throws Exception {
        broker = new Mosquitto(dir, null, null).start();
        Topics t = bridge(broker.uri(), null, null, null, null).topics();
        bridge.start();
        probe(null, null, t).awaitText(t.availability(), "online");
        printer.board.clientConnected();
        probe.awaitText(t.state("clients"), "1");
        probe.close();

        broker.kill();
        Await.until("bridge notices the broker is gone", Probe.WAIT, () -> !bridge.connected());
        printer.board.clientConnected(); // changes while the broker is away are not lost
        broker.start();

        // a fresh subscriber can only see retained messages that the bridge published again
        Await.until("bridge reconnected", Duration.ofSeconds(20), bridge::connected);
        probe(null, null, t);
        probe.awaitText(t.availability(), "online");
        probe.awaitText(t.state("clients"), "2");
        probe.awaitText(t.state("printer_camera"), "ON");
        Await.until("discovery back", Probe.WAIT, () -> probe.latest.containsKey(t.discovery("sensor", "clients"))
                && probe.latest.containsKey(t.discovery("button", "reconnect"))
                && probe.latest.get(t.discovery("sensor", "clients")).retained());
    }

    @Test
    void passwordProtectedBroker() throws Exception {
        Path passwords = Mosquitto.passwordFile(dir, "ha", "s3cret-pw");
        broker = new Mosquitto(dir, passwords, null).start();
        Topics t = bridge(broker.uri(), "ha", "s3cret-pw", null, null).topics();
        bridge.start();
        probe("ha", "s3cret-pw", t).awaitText(t.availability(), "online");
        probe.awaitText(t.state("camera_type"), "chamber");
        bridge.close();
        probe.awaitText(t.availability(), "offline");
    }

    @Test
    void wrongPasswordIsLoggedOnceAndRetriedWithoutBlockingAnything() throws Exception {
        Path passwords = Mosquitto.passwordFile(dir, "ha", "right-pw");
        broker = new Mosquitto(dir, passwords, null).start();
        Topics t = bridge(broker.uri(), "ha", "wrong-pw", null, null).topics();
        String log;
        try (StderrCapture stderr = new StderrCapture()) {
            long before = System.nanoTime();
            bridge.start();
            assertTrue(System.nanoTime() - before < 500_000_000L, "start must not wait for the broker");
            Await.until("three refused attempts", Duration.ofSeconds(20),
                    () -> broker.logText().split("not authori[sz]ed", -1).length > 3);
            assertFalse(bridge.connected());
            // the status listener (called from the video event loops) never waits for MQTT
            for (int i = 0; i < 1000; i++) {
                long t0 = System.nanoTime();
                printer.board.clientConnected();
                assertTrue(System.nanoTime() - t0 < 50_000_000L, "status listener blocked");
            }
            log = stderr.text();
        }
        assertEquals(1, log.split("refused the user name or password", -1).length - 1, log);
        assertFalse(log.contains("wrong-pw") || log.contains("right-pw"), log);

        // the broker now accepts that password: the bridge gets in by itself
        Files.copy(Mosquitto.passwordFile(dir, "ha", "wrong-pw"), passwords, StandardCopyOption.REPLACE_EXISTING);
        broker.reload();
        Await.until("bridge connected after the broker was fixed", Duration.ofSeconds(40), bridge::connected);
        probe("ha", "wrong-pw", t).awaitText(t.state("clients"), "1000");
    }

    @Test
    void tlsWithCaFileOrTrustingAnyCertificate() throws Exception {
        ServerCertificate.loadOrCreate(dir, "127.0.0.1");
        Path cert = dir.resolve("pandaproxy-cert.pem");
        Path key = dir.resolve("pandaproxy-key.pem");
        broker = new Mosquitto(dir, null, new Path[] {cert, key}).start();
        String tlsUri = "mqtts://127.0.0.1:" + broker.tlsPort;

        Topics t = bridge(tlsUri, null, null, cert.toString(), null).topics();
        bridge.start();
        probe(null, null, t).awaitText(t.availability(), "online");
        bridge.close();
        probe.awaitText(t.availability(), "offline");
        printer.close();
        probe.close();

        bridge(tlsUri, null, null, null, "true").start();
        probe(null, null, t).awaitText(t.availability(), "online");
        bridge.close();
        printer.close();
        probe.close();

        // without trusting that certificate, TLS is refused and retried
        bridge(tlsUri, null, null, null, null).start();
        probe(null, null, t);
        Await.until("the untrusted certificate refused twice (retried)", Probe.WAIT,
                () -> broker.logText().split("alert certificate unknown", -1).length > 2);
        assertFalse(bridge.connected());
    }
}
