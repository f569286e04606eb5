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
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wiring: --camera auto finds the simulated printer, serves it, and stops within 2 s. */
class ApplicationTest {
    @TempDir
    Path dir;

    @Test
    void detectsServesAndStops() throws Exception {
        try (ChamberSimulator sim = ChamberSimulator.start(0, "13572468")) {
            int proxyPort = FreePort.get();
            Config config = Config.builder().printer("127.0.0.1", "13572468").printerPorts(sim.port(), FreePort.get())
                    .listen("127.0.0.1", proxyPort, FreePort.get()).dataDir(dir).maxClients(4).build();
            Application app = Application.start(config);
            try (ChamberViewer v = ChamberViewer.connect("127.0.0.1", proxyPort, Bambu.USER, "13572468", Duration.ofSeconds(15))) {
                assertTrue(v.nextFrame(Duration.ofSeconds(15)).length > 0);
                assertEquals(CameraType.CHAMBER, app.printer().status().cameraType());
                Await.until("streaming", Duration.ofSeconds(10), () -> app.printer().status().streaming());
                Await.until("client counted", Duration.ofSeconds(10), () -> app.printer().status().clients() == 1);
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
        Config config = Config.builder().printer("127.0.0.1", SimulatedPrinter.DEMO_ACCESS_CODE).camera(CameraMode.CHAMBER)
                .demo("chamber").listen("127.0.0.1", FreePort.get(), FreePort.get()).mqttPorts(relayPort, Bambu.MQTT_PORT)
                .services(EnumSet.of(Service.CAMERA, Service.MQTT)).dataDir(dir).maxClients(4).build();
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
        }
    }

    @Test
    void aDamagedCertificateStopsTheStartWithOneClearMessage() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("pandaproxy-cert.pem"), "not a certificate");
        java.nio.file.Files.writeString(dir.resolve("pandaproxy-key.pem"), "not a key");
        Config config = Config.builder().printer("127.0.0.1", "13572468").camera(CameraMode.CHAMBER)
                .printerPorts(FreePort.get(), FreePort.get()).listen("127.0.0.1", FreePort.get(), FreePort.get())
                .dataDir(dir).maxClients(4).build();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> Application.start(config).close());
        assertTrue(e.getMessage().contains("cannot read the TLS certificate"), e.getMessage());
        assertTrue(!e.getMessage().contains("13572468"), "no access code in the message");
    }
}
