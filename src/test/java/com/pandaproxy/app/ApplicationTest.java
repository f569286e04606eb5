package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.time.Duration;
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
}
