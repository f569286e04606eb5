package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.pandaproxy.mqtt.RelayClient;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.sim.MqttPrinterSimulator;
import com.pandaproxy.sim.SimulatedPrinter;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.sim.DemoCertificate;
import com.pandaproxy.testutil.RecordingPrinter;
import com.pandaproxy.tls.CertificateState;
import com.pandaproxy.tls.LocalCa;
import com.pandaproxy.tls.PrinterTrust;
import com.pandaproxy.tls.Tls;
import com.pandaproxy.tls.TrustMode;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wiring: --camera auto finds the simulated printer, serves it (and its web page), and stops within 2 s. */
class ApplicationTest {
    @TempDir
    Path dir;

    @Test
    void detectsServesAndStops() throws Exception {
        try (ChamberSimulator sim = ChamberSimulator.start(0, "13572468")) {
            int proxyPort = FreePort.get();
            int httpPort = FreePort.get();
            Config config = Config.builder().printer("127.0.0.1", "13572468").printerPorts(sim.port(), FreePort.get())
                    .listen("127.0.0.1", proxyPort, FreePort.get()).httpPort(httpPort).dataDir(dir).maxClients(4).build();
            Application app = Application.start(config);
            try (ChamberViewer v = ChamberViewer.connect("127.0.0.1", proxyPort, Bambu.USER, "13572468", Duration.ofSeconds(15))) {
                assertTrue(v.nextFrame(Duration.ofSeconds(15)).length > 0);
                assertEquals(CameraType.CHAMBER, app.printer().status().cameraType());
                Await.until("streaming", Duration.ofSeconds(10), () -> app.printer().status().streaming());
                Await.until("client counted", Duration.ofSeconds(10), () -> app.printer().status().clients() == 1);
                // the web server is wired to the same printer
                HttpClient http = HttpClient.newHttpClient();
                String auth = "Basic " + Base64.getEncoder().encodeToString("bblp:13572468".getBytes(StandardCharsets.US_ASCII));
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/healthz"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode(), health.body());
                HttpResponse<byte[]> snapshot = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                        + "/snapshot.jpg")).header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, snapshot.statusCode());
                assertTrue(ChamberSimulator.frameNumber(snapshot.body()) >= 0, "a picture of the simulator");
                long t0 = System.nanoTime();
                app.close();
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "stopped within 2 s");
                assertEquals(UpstreamState.STOPPED, app.printer().status().upstreamState());
                Await.until("the client closed", Duration.ofSeconds(5), v::ended);
            }
        }
    }

    @Test
    void theDemoRelaysTheSimulatedPrintersMqtt() throws Exception {
        int relayPort = FreePort.get();
        int httpPort = FreePort.get();
        Config config = Config.builder().printer("127.0.0.1", SimulatedPrinter.DEMO_ACCESS_CODE).camera(CameraMode.CHAMBER)
                .demo("chamber").listen("127.0.0.1", FreePort.get(), FreePort.get()).mqttPorts(relayPort, Bambu.MQTT_PORT)
                .services(EnumSet.of(Service.CAMERA, Service.MQTT)).dataDir(dir).maxClients(4).httpPort(httpPort).build();
        try (Application app = Application.start(config);
                RelayClient client = new RelayClient(relayPort, "application-test")) {
            client.connect(SimulatedPrinter.DEMO_ACCESS_CODE, MqttPrinterSimulator.DEMO_SERIAL);
            JsonNode first = client.next(Duration.ofSeconds(15));
            assertEquals(0, first.at("/print/msg").asInt(), "the whole state first: " + first);
            assertEquals("RUNNING", first.at("/print/gcode_state").asText(), "the demo printer prints");
            client.await(Duration.ofSeconds(15), r -> r.at("/print/msg").asInt() == 1); // changes every second
            Await.until("the relay on the status board", Duration.ofSeconds(10), () -> {
                PrinterStatus.RelayStatus relay = app.status().snapshot().relay();
                return relay != null && relay.connected() && relay.clients() == 1;
            });
            // the page's status says the same as the MQTT states, the relay and the certificate included
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/api/status")).header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(("bblp:" + SimulatedPrinter.DEMO_ACCESS_CODE).getBytes(StandardCharsets.US_ASCII))).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
            assertTrue(status.get("printer_mqtt").asBoolean(), response.body());
            assertEquals("streaming", status.get("printer_mqtt_state").asText());
            assertEquals(1, status.get("mqtt_clients").asInt());
            assertEquals(relayPort, status.at("/ports/mqtt").asInt());
            assertEquals("pinned", status.get("printer_certificate").asText(), "the demo printer's own CA is not BambuLab's");
            assertEquals(DemoCertificate.SERIAL, status.at("/printer_certificate_attributes/cn").asText());
        }
    }

    @Test
    void aDamagedCertificateStopsTheStartWithOneClearMessage() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("pandaproxy-cert.pem"), "not a certificate");
        java.nio.file.Files.writeString(dir.resolve("pandaproxy-key.pem"), "not a key");
        Config config = Config.builder().printer("127.0.0.1", "13572468").camera(CameraMode.CHAMBER)
                .printerPorts(FreePort.get(), FreePort.get()).listen("127.0.0.1", FreePort.get(), FreePort.get())
                .httpPort(FreePort.get()).dataDir(dir).maxClients(4).build();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> Application.start(config).close());
        assertTrue(e.getMessage().contains("cannot read the TLS certificate"), e.getMessage());
        assertTrue(!e.getMessage().contains("13572468"), "no access code in the message");
    }

    private Config.Builder demo() {
        return Config.builder().demo("chamber").camera(CameraMode.CHAMBER).printer("127.0.0.1", "13572468")
                .listen("127.0.0.1", FreePort.get(), FreePort.get()).httpPort(0).mqttPorts(0, Bambu.MQTT_PORT).dataDir(dir).maxClients(4);
    }

    private static CertificateState certificateOnceStreaming(Application app) {
        Await.until("streaming", Duration.ofSeconds(15), () -> app.printer().status().streaming());
        return app.printer().status().certificate().state();
    }

    @Test
    void theDemoPrinterIsPinnedAcrossRestartsAndVerifiedWithItsCa() throws Exception {
        try (Application app = Application.start(demo().build())) {
            assertEquals(CertificateState.PINNED, certificateOnceStreaming(app), "its own CA is not BambuLab's: pinned");
            assertEquals(DemoCertificate.SERIAL, app.printer().status().certificate().cn());
        }
        try (Application app = Application.start(demo().build())) {
            assertEquals(CertificateState.PINNED, app.printer().status().certificate().state(), "read from the data dir at start");
            assertEquals(CertificateState.PINNED, certificateOnceStreaming(app), "the same certificate as before: not 'changed'");
        }
        List<X509Certificate> demoCa = PrinterTrust.readCas(dir.resolve(DemoCertificate.CA_FILE));
        try (Application app = Application.start(demo().printerTrust(TrustMode.BAMBU, demoCa).build())) {
            assertEquals(CertificateState.VERIFIED, certificateOnceStreaming(app), "--printer-ca with the demo's CA: verified");
        }
    }

    @Test
    void aPrinterSignedByAGivenCaIsVerifiedAndAnImpostorWaitsForTheUser() throws Exception {
        LocalCa ca = LocalCa.create("Test Printer CA");
        ChamberSimulator sim = ChamberSimulator.start(0, "13572468", ChamberSimulator.Options.DEFAULT, ca.issue("01P00A000000001"));
        int port = sim.port();
        Config config = Config.builder().printer("127.0.0.1", "13572468").serial("01P00A000000001").camera(CameraMode.CHAMBER)
                .printerPorts(port, FreePort.get()).listen("127.0.0.1", FreePort.get(), FreePort.get()).httpPort(0).dataDir(dir).maxClients(4)
                .printerTrust(TrustMode.AUTO, List.of(ca.certificate())).build();
        try (Application app = Application.start(config)) {
            assertEquals(CertificateState.VERIFIED, certificateOnceStreaming(app));
            sim.close();
            try (RecordingPrinter impostor = new RecordingPrinter(LocalCa.selfSigned("01P00A000000001"), Tls.defaultProvider(), port)) {
                Await.until("changed", Duration.ofSeconds(15), () -> app.printer().status().certificate().state() == CertificateState.CHANGED);
                assertEquals(0, impostor.received().length);
                app.printer().trustNewCertificate(); // as Home Assistant's button does
                Await.until("the login goes to the newly trusted certificate", Duration.ofSeconds(15), () -> impostor.receivedText("13572468"));
                assertEquals(CertificateState.PINNED, app.printer().status().certificate().state());
            }
        }
    }
}
