package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.testutil.FreePort;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Supervisor client against a small in-process HTTP server standing for the Supervisor. */
class SupervisorMqttTest {
    private static final String TOKEN = "supervisor-token-xyz";
    private static final String GOOD = """
            {"result": "ok", "data": {"addon": "core_mosquitto", "host": "core-mosquitto", "port": 1883,
             "ssl": false, "protocol": "3.1.1", "username": "addons", "password": "broker-pw-123"}}
            """;

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @TempDir
    Path dir;

    private URI serve(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            if (status == 0) { // hang until the test ends
                awaitRelease();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status == 0 ? 200 : status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void goodAnswerGivesTheBrokerAndSendsTheToken() throws Exception {
        SupervisorMqtt.Answer answer = SupervisorMqtt.ask(serve(200, GOOD), TOKEN, Duration.ofSeconds(5));
        assertNull(answer.problem());
        assertEquals("mqtt://core-mosquitto:1883", answer.broker().url());
        assertEquals("addons", answer.broker().username());
        assertEquals("broker-pw-123", answer.broker().password().reveal());
        assertEquals(List.of("GET /services/mqtt Bearer " + TOKEN), seen);
    }

    @Test
    void tlsBrokerWithoutLogin() {
        SupervisorMqtt.Answer answer = SupervisorMqtt.parse("""
                {"result": "ok", "data": {"host": "192.0.2.5", "port": 8883, "ssl": true}}
                """.getBytes(StandardCharsets.UTF_8));
        assertEquals("mqtts://192.0.2.5:8883", answer.broker().url());
        assertNull(answer.broker().username());
        assertNull(answer.broker().password());
    }

    @Test
    void refusedIsAProblem() throws Exception {
        SupervisorMqtt.Answer answer = SupervisorMqtt.ask(serve(401, "401: Unauthorized"), TOKEN, Duration.ofSeconds(5));
        assertNull(answer.broker());
        assertEquals("the Supervisor refused the question (HTTP 401)", answer.problem());
    }

    @Test
    void noMqttServiceIsAProblem() throws Exception {
        SupervisorMqtt.Answer answer = SupervisorMqtt.ask(serve(400, "{\"result\": \"error\", \"message\": \"Service not enabled\"}"),
                TOKEN, Duration.ofSeconds(5));
        assertTrue(answer.problem().contains("offers no MQTT broker"), answer.problem());
        SupervisorMqtt.Answer empty = SupervisorMqtt.parse("{\"result\": \"ok\", \"data\": {}}".getBytes(StandardCharsets.UTF_8));
        assertTrue(empty.problem().contains("offers no MQTT broker"), empty.problem());
    }

    @Test
    void unreachableIsAProblem() {
        URI nobody = URI.create("http://127.0.0.1:" + FreePort.get());
        SupervisorMqtt.Answer answer = SupervisorMqtt.ask(nobody, TOKEN, Duration.ofSeconds(2));
        assertNull(answer.broker());
        assertTrue(answer.problem().startsWith("cannot reach the Supervisor at " + nobody), answer.problem());
    }

    @Test
    void aSupervisorThatDoesNotAnswerIsGivenUpOnInTime() throws Exception {
        URI base = serve(0, GOOD);
        long start = System.nanoTime();
        SupervisorMqtt.Answer answer = SupervisorMqtt.ask(base, TOKEN, Duration.ofMillis(300));
        assertTrue(answer.problem().startsWith("cannot reach the Supervisor"), answer.problem());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void oddAnswersAreProblems() {
        assertEquals("the Supervisor's answer is not JSON", SupervisorMqtt.parse("<html>".getBytes(StandardCharsets.UTF_8)).problem());
        assertEquals("the Supervisor's answer is not ok", SupervisorMqtt.parse("{\"result\": \"error\"}".getBytes(StandardCharsets.UTF_8)).problem());
        assertEquals("the Supervisor's MQTT broker address is not usable",
                SupervisorMqtt.parse("{\"result\": \"ok\", \"data\": {\"host\": \"a b\", \"port\": 1883}}".getBytes(StandardCharsets.UTF_8)).problem());
    }

    // --- add-on mode asks the Supervisor only when the user chose no MQTT settings ---

    private Map<String, String> addonEnv(URI supervisor, String... more) throws IOException {
        Path file = Files.writeString(dir.resolve("options.json"), "{\"printer_ip\": \"192.0.2.7\", \"access_code\": \"12345678\"}");
        java.util.HashMap<String, String> env = new java.util.HashMap<>(Map.of(
                AddonMode.OPTIONS_FILE_VARIABLE, file.toString(),
                AddonMode.TOKEN_VARIABLE, TOKEN,
                AddonMode.SUPERVISOR_URL_VARIABLE, supervisor.toString()));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void addonModeTakesTheBrokerFromTheSupervisor() throws Exception {
        AddonMode mode = AddonMode.load(addonEnv(serve(200, GOOD)), new String[0]);
        assertEquals("mqtt://core-mosquitto:1883", mode.options().get("--mqtt-url"));
        assertEquals("addons", mode.options().get("--mqtt-username"));
        assertEquals("broker-pw-123", mode.options().get("--mqtt-password"));
        assertTrue(mode.notes().contains("MQTT broker from the Supervisor: mqtt://core-mosquitto:1883"), mode.notes().toString());
        assertNoSecret(mode.notes());
    }

    @Test
    void addonModeCarriesOnWithoutMqttWhenRefused() throws Exception {
        AddonMode mode = AddonMode.load(addonEnv(serve(401, "401: Unauthorized")), new String[0]);
        assertFalse(mode.options().containsKey("--mqtt-url"));
        assertTrue(mode.notes().contains("MQTT: the Supervisor refused the question (HTTP 401); carrying on without MQTT"),
                mode.notes().toString());
        assertNoSecret(mode.notes());
    }

    @Test
    void mqttSettingsOfTheUserMeanTheSupervisorIsNotAsked() throws Exception {
        URI supervisor = serve(200, GOOD);
        AddonMode byVariable = AddonMode.load(addonEnv(supervisor, "MQTT_URL", "mqtt://mine:1883"), new String[0]);
        assertFalse(byVariable.options().containsKey("--mqtt-url"));
        AddonMode byFlag = AddonMode.load(addonEnv(supervisor), new String[] {"--mqtt-url=mqtt://mine:1883"});
        assertFalse(byFlag.options().containsKey("--mqtt-url"));
        Files.writeString(dir.resolve("options.json"),
                "{\"printer_ip\": \"p\", \"access_code\": \"c\", \"mqtt_url\": \"mqtt://mine:1883\"}");
        AddonMode byOption = AddonMode.load(Map.of(AddonMode.OPTIONS_FILE_VARIABLE, dir.resolve("options.json").toString(),
                AddonMode.TOKEN_VARIABLE, TOKEN, AddonMode.SUPERVISOR_URL_VARIABLE, supervisor.toString()), new String[0]);
        assertEquals("mqtt://mine:1883", byOption.options().get("--mqtt-url"));
        assertEquals(List.of(), seen);
    }

    @Test
    void withoutATokenTheSupervisorIsNotAsked() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(addonEnv(serve(200, GOOD)));
        env.remove(AddonMode.TOKEN_VARIABLE);
        assertFalse(AddonMode.load(env, new String[0]).options().containsKey("--mqtt-url"));
        assertEquals(List.of(), seen);
    }

    private static void assertNoSecret(List<String> notes) {
        String all = String.join("\n", notes);
        assertFalse(all.contains(TOKEN), all);
        assertFalse(all.contains("broker-pw-123"), all);
        assertFalse(all.contains("12345678"), all);
    }
}
