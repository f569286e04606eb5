package com.pandaproxy.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamTimings;
import com.pandaproxy.sim.MqttPrinterSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.Closer;
import com.pandaproxy.testutil.EventLoops;
import com.pandaproxy.testutil.Interop;
import com.pandaproxy.testutil.Programs;
import com.pandaproxy.testutil.StderrCapture;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay with clients nobody on the team wrote: Mosquitto's command-line clients and Python
 * paho-mqtt scripted the way the Home Assistant Bambu Lab integration behaves, against a simulated
 * printer that takes one client at a time.
 */
@Tag("interop")
class MqttRelayInteropTest {
    private static final String CODE = "16180339";
    private static final String SERIAL = MqttPrinterSimulator.DEMO_SERIAL;
    private static final Duration RUN = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EventLoops LOOPS = new EventLoops(2);
    @RegisterExtension
    final Closer closer = new Closer();
    @TempDir
    Path dir;

    private MqttPrinterSimulator sim;
    private MqttRelay relay;
    private Path cafile;

    @BeforeEach
    void start() throws Exception {
        sim = closer.add(MqttPrinterSimulator.start(0, CODE,
                MqttPrinterSimulator.Options.DEFAULT.withMaxClients(1).withTick(Duration.ofMillis(200))));
        ServerCertificate identity = ServerCertificate.ephemeral();
        cafile = dir.resolve("proxy-cert.pem");
        Files.writeString(cafile, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(identity.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        ProxyContext context = new ProxyContext(new PrinterAddress("127.0.0.1", Bambu.CHAMBER_PORT, Bambu.RTSP_PORT, new Secret(CODE)),
                new Tls(identity, Tls.defaultProvider()), LOOPS.group(), new StatusBoard(CameraType.UNKNOWN), new AuthThrottle());
        relay = closer.add(new MqttRelay(context, new MqttRelaySettings("127.0.0.1", 0, sim.port(), null, 64, 0,
                MqttRelaySettings.LOGIN_LIMIT, MqttRelaySettings.PUSHALL_INTERVAL), UpstreamTimings.MQTT));
        relay.start();
        Await.until("relay connected to the printer", RUN, () -> relay.status().connected());
    }

    /** mosquitto_sub or mosquitto_pub over TLS to the relay, trusting the proxy's certificate (its own CA) without a host name check. */
    private List<String> mosquitto(String program, String password, String... args) {
        Path path = Interop.require(program, "/usr/bin");
        List<String> command = new ArrayList<>(List.of(path.toString(), "-h", "127.0.0.1", "-p", String.valueOf(relay.port()),
                "--cafile", cafile.toString(), "--insecure", "-u", "bblp", "-P", password));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void mosquittoClientsAndAHomeAssistantLikeClientShareThePrinter() throws Exception {
        Path python = Interop.python("import paho.mqtt.client", "python3-paho-mqtt");
        Path script = dir.resolve("ha_like_client.py");
        Files.copy(getClass().getResourceAsStream("/mqtt/ha_like_client.py"), script);
        try (StderrCapture log = new StderrCapture()) {
            List<CompletableFuture<Programs.Run>> subs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                subs.add(CompletableFuture.supplyAsync(() -> Programs.run(mosquitto("mosquitto_sub", CODE,
                        "-t", "device/+/report", "-C", "3", "-W", "20", "-V", "mqttv311"), RUN)));
            }
            CompletableFuture<Programs.Run> ha = CompletableFuture.supplyAsync(() -> Programs.run(
                    List.of(python.toString(), script.toString(), "127.0.0.1", String.valueOf(relay.port()), SERIAL), RUN, dir,
                    Map.of("ACCESS_CODE", CODE)));
            for (CompletableFuture<Programs.Run> sub : subs) {
                Programs.Run run = sub.get();
                assertTrue(run.ok(), run.describe());
                List<String> lines = run.output().lines().toList();
                assertEquals(3, lines.size(), run.describe());
                JsonNode first = JSON.readTree(lines.get(0));
                assertEquals(0, first.at("/print/msg").asInt(), "a new subscriber's first report is the whole state: " + lines.get(0));
                assertTrue(first.at("/print/ams").isObject());
            }
            Programs.Run run = ha.get();
            assertTrue(run.ok(), run.describe());
            JsonNode summary = JSON.readTree(run.output().lines().reduce((a, b) -> b).orElseThrow());
            assertEquals(0, summary.get("connack").asInt());
            assertTrue(summary.get("full_fields").asInt() > 40, summary.toString());
            assertEquals("RUNNING", summary.get("gcode_state").asText());
            assertTrue(summary.get("modules").asInt() > 0, "the version answer: " + summary);

            Programs.Run pub = Programs.run(mosquitto("mosquitto_pub", CODE, "-t", "device/" + SERIAL + "/request", "-q", "1",
                    "-m", "{\"print\":{\"sequence_id\":\"pub-1\",\"command\":\"pause\",\"param\":\"\"}}"), RUN);
            assertTrue(pub.ok(), pub.describe());
            Await.until("the command at the printer", RUN, () -> sim.commands().stream().anyMatch(c -> c.contains("pub-1")));

            assertEquals(1, sim.logins(), "one connection to the printer for all of them");
            assertEquals(0, sim.refusedFull());
            assertEquals(1, sim.pushalls(), "the clients' pushalls were answered by the relay");
            assertFalse(log.text().contains(CODE), "the access code never appears in the log");
        }
    }

    @Test
    void mosquittoClientsAreRefusedCleanly() {
        Programs.Run v5 = Programs.run(mosquitto("mosquitto_sub", CODE, "-t", "device/+/report", "-C", "1", "-W", "10",
                "-V", "mqttv5"), RUN);
        assertFalse(v5.ok());
        assertTrue(v5.output().toLowerCase().contains("protocol version"), v5.describe());

        Programs.Run wrong = Programs.run(mosquitto("mosquitto_sub", "00000000", "-t", "device/+/report", "-C", "1", "-W", "10",
                "-V", "mqttv311"), RUN);
        assertFalse(wrong.ok());
        assertTrue(wrong.output().toLowerCase().contains("not authori"), wrong.describe());

        Programs.Run foreign = Programs.run(mosquitto("mosquitto_pub", CODE, "-t", "homeassistant/status", "-q", "1", "-m", "online"), RUN);
        assertFalse(foreign.ok(), foreign.describe());
        assertEquals(0, sim.commands().stream().filter(c -> c.contains("online")).count());
    }
}
