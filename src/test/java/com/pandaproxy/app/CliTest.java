package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.ha.MqttSettings;
import com.pandaproxy.net.Secret;
import com.pandaproxy.tls.LocalCa;
import com.pandaproxy.tls.TrustMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliTest {
    private static Config parse(Map<String, String> env, String... args) throws ConfigException {
        Cli cli = new Cli();
        Cli.commandLine(cli, env).parseArgs(args);
        return cli.toConfig();
    }

    @Test
    void defaults() throws Exception {
        Config c = parse(Map.of(), "--printer-ip", "192.0.2.10", "--access-code", "12345678");
        assertEquals("192.0.2.10", c.printerIp());
        assertEquals("12345678", c.accessCode().reveal());
        assertEquals(CameraMode.AUTO, c.camera());
        assertEquals(6000, c.chamberPort());
        assertEquals(6000, c.printerChamberPort());
        assertEquals(322, c.rtspPort());
        assertEquals(322, c.printerRtspPort());
        assertEquals("0.0.0.0", c.bindAddress());
        assertEquals(64, c.maxClients());
        assertEquals(null, c.demo());
        assertEquals(java.util.Set.of(Service.CAMERA), c.services());
        assertEquals(8883, c.mqttRelayPort());
        assertEquals(8883, c.printerMqttPort());
    }

    @Test
    void servicesAndTheRelaysPorts() throws Exception {
        Config both = parse(Map.of("SERVICES", "camera,mqtt", "MQTT_RELAY_PORT", "18883"), "--printer-ip", "192.0.2.1",
                "--access-code", "x", "--printer-mqtt-port", "8884");
        assertTrue(both.serves(Service.CAMERA) && both.serves(Service.MQTT));
        assertEquals(18883, both.mqttRelayPort());
        assertEquals(8884, both.printerMqttPort());
        Config mqttOnly = parse(Map.of(), "--printer-ip", "192.0.2.1", "--access-code", "x", "--services", " MQTT ");
        assertEquals(java.util.Set.of(Service.MQTT), mqttOnly.services());
        assertTrue(parse(Map.of(), "--demo").serves(Service.MQTT), "the demo relays the simulated printer's MQTT");
        assertFalse(parse(Map.of(), "--demo", "--services", "camera").serves(Service.MQTT));
    }

    @Test
    void environmentVariablesAndFlagsWin() throws Exception {
        Map<String, String> env = Map.of("PRINTER_IP", "192.0.2.1", "ACCESS_CODE", "fromenv",
                "CHAMBER_PORT", "7000", "CAMERA_TYPE", "rtsp", "MAX_CLIENTS", "5");
        Config fromEnv = parse(env);
        assertEquals("192.0.2.1", fromEnv.printerIp());
        assertEquals(7000, fromEnv.chamberPort());
        assertEquals(CameraMode.RTSP, fromEnv.camera());
        assertEquals(5, fromEnv.maxClients());
        Config flags = parse(env, "--printer-ip", "192.0.2.2", "--chamber-port", "7001");
        assertEquals("192.0.2.2", flags.printerIp());
        assertEquals(7001, flags.chamberPort());
        assertEquals("fromenv", flags.accessCode().reveal());
    }

    @Test
    void httpPortHasADefaultAVariableAndAFlag() throws Exception {
        Map<String, String> env = Map.of("PRINTER_IP", "192.0.2.1", "ACCESS_CODE", "x");
        assertEquals(8765, parse(env).httpPort());
        assertEquals(8080, parse(Map.of("PRINTER_IP", "192.0.2.1", "ACCESS_CODE", "x", "HTTP_PORT", "8080")).httpPort());
        assertEquals(9000, parse(env, "--http-port", "9000").httpPort());
        assertMessage("--http-port", env, "--http-port", "99999");
        assertMessage("--ingress-proxy", env, "--ingress-proxy", "supervisor.example");
    }

    @Test
    void demoNeedsNoPrinter() throws Exception {
        Config c = parse(Map.of(), "--demo");
        assertEquals("chamber", c.demo());
        assertEquals(CameraMode.CHAMBER, c.camera());
        Config r = parse(Map.of(), "--demo", "rtsp");
        assertEquals(CameraMode.RTSP, r.camera());
        assertEquals(8554, r.rtspPort());
    }

    @Test
    void mistakesNameTheOption() {
        assertMessage("--printer-ip", Map.of(), "--access-code", "x");
        assertMessage("--access-code", Map.of(), "--printer-ip", "192.0.2.1");
        assertMessage("--access-code must be 1 to 32", Map.of(), "--printer-ip", "192.0.2.1", "--access-code", "x".repeat(33));
        assertMessage("--camera", Map.of(), "--printer-ip", "192.0.2.1", "--access-code", "x", "--camera", "webcam");
        assertMessage("--chamber-port", Map.of("CHAMBER_PORT", "http"), "--printer-ip", "192.0.2.1", "--access-code", "x");
        assertMessage("--max-clients", Map.of(), "--printer-ip", "192.0.2.1", "--access-code", "x", "--max-clients", "0");
        assertMessage("--demo", Map.of(), "--demo", "webcam");
        assertMessage("--services must be camera, mqtt or camera,mqtt", Map.of(), "--printer-ip", "192.0.2.1", "--access-code", "x",
                "--services", "camera,ftp");
        assertMessage("--services", Map.of(), "--printer-ip", "192.0.2.1", "--access-code", "x", "--services", "camera,");
        assertMessage("--mqtt-relay-port", Map.of(), "--printer-ip", "192.0.2.1", "--access-code", "x", "--mqtt-relay-port", "70000");
        assertMessage("--printer-mqtt-port", Map.of("PRINTER_MQTT_PORT", "x"), "--printer-ip", "192.0.2.1", "--access-code", "x");
        assertMessage("--serial must be the printer's serial number", Map.of(), "--printer-ip", "192.0.2.1", "--access-code", "x",
                "--serial", "device/#");
    }

    private static void assertMessage(String expected, Map<String, String> env, String... args) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(env, args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static final String[] PRINTER = {"--printer-ip", "192.0.2.1", "--access-code", "x"};

    private static String[] printerAnd(String... more) {
        String[] all = java.util.Arrays.copyOf(PRINTER, PRINTER.length + more.length);
        System.arraycopy(more, 0, all, PRINTER.length, more.length);
        return all;
    }

    @Test
    void printerTrustIsAutoUnlessChosenAndCasComeFromAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Config defaults = parse(Map.of(), PRINTER);
        assertEquals(TrustMode.AUTO, defaults.printerTrust());
        assertEquals(List.of(), defaults.printerCas());
        assertEquals(TrustMode.BAMBU, parse(Map.of("PRINTER_TRUST", "bambu"), PRINTER).printerTrust());
        assertEquals(TrustMode.OFF, parse(Map.of("PRINTER_TRUST", "bambu"), printerAnd("--printer-trust", "OFF")).printerTrust());
        assertMessage("--printer-trust must be auto, bambu, pin or off, not 'none'", Map.of(), printerAnd("--printer-trust", "none"));

        LocalCa ca = LocalCa.create("Test Printer CA");
        java.nio.file.Path file = dir.resolve("ca.pem");
        java.nio.file.Files.writeString(file, ca.certificatePem());
        assertEquals(List.of(ca.certificate()), parse(Map.of("PRINTER_CA", file.toString()), PRINTER).printerCas());
        assertMessage("--printer-ca: cannot read CA certificates from " + dir.resolve("missing.pem"), Map.of(),
                printerAnd("--printer-ca", dir.resolve("missing.pem").toString()));
        java.nio.file.Files.writeString(dir.resolve("empty.pem"), "no certificate here");
        assertMessage("--printer-ca: cannot read CA certificates", Map.of(), printerAnd("--printer-ca", dir.resolve("empty.pem").toString()));
    }

    @Test
    void mqttIsOffUnlessAUrlIsGiven() throws Exception {
        assertEquals(null, parse(Map.of(), PRINTER).mqtt());
        assertEquals(null, parse(Map.of("MQTT_URL", " "), PRINTER).mqtt());
    }

    @Test
    void mqttFromEnvironmentWithDefaultsAndFlagsWin() throws Exception {
        Map<String, String> env = Map.of("MQTT_URL", "mqtt://broker.lan", "MQTT_USERNAME", "ha",
                "MQTT_PASSWORD", "pw-from-env", "SNAPSHOT_INTERVAL", "30");
        MqttSettings m = parse(env, PRINTER).mqtt();
        assertEquals("tcp://broker.lan:1883", m.brokerUri());
        assertEquals("ha", m.username());
        assertEquals("pw-from-env", m.password().reveal());
        assertEquals("homeassistant", m.discoveryPrefix());
        assertEquals("pandaproxy", m.topicPrefix());
        assertEquals(30, m.snapshotIntervalSeconds());
        assertFalse(m.tls());
        assertFalse(m.insecure());
        assertFalse(m.toString().contains("pw-from-env"), m.toString());

        MqttSettings flags = parse(env, printerAnd("--mqtt-url", "mqtts://[::1]", "--discovery-prefix", "ha/disc",
                "--mqtt-topic-prefix", "panda_1", "--snapshot-interval", "0", "--mqtt-insecure")).mqtt();
        assertEquals("ssl://[::1]:8883", flags.brokerUri());
        assertEquals("ha/disc", flags.discoveryPrefix());
        assertEquals("panda_1", flags.topicPrefix());
        assertEquals(0, flags.snapshotIntervalSeconds());
        assertTrue(flags.tls());
        assertTrue(flags.insecure());

        assertEquals("tcp://10.0.0.2:1884", parse(Map.of("MQTT_URL", "tcp://10.0.0.2:1884"), PRINTER).mqtt().brokerUri());
        assertTrue(parse(Map.of("MQTT_URL", "ssl://b:8884", "MQTT_INSECURE", "true"), PRINTER).mqtt().insecure());
        assertFalse(parse(Map.of("MQTT_URL", "ssl://b:8884", "MQTT_INSECURE", "false"), PRINTER).mqtt().insecure());
    }

    @Test
    void mqttCaFileMustBeReadableAndOnlyForTls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "x");
        assertEquals(ca, parse(Map.of(), printerAnd("--mqtt-url", "mqtts://b", "--mqtt-ca-file", ca.toString())).mqtt().caFile());
        assertMessage("--mqtt-ca-file", Map.of(), printerAnd("--mqtt-url", "mqtts://b", "--mqtt-ca-file", dir.resolve("none.pem").toString()));
        assertMessage("--mqtt-ca-file only applies", Map.of(), printerAnd("--mqtt-url", "mqtt://b", "--mqtt-ca-file", ca.toString()));
        assertMessage("--mqtt-insecure only applies", Map.of(), printerAnd("--mqtt-url", "mqtt://b", "--mqtt-insecure"));
        assertMessage("exclude each other", Map.of(), printerAnd("--mqtt-url", "mqtts://b", "--mqtt-insecure", "--mqtt-ca-file", ca.toString()));
    }

    @Test
    void mqttMistakesNameTheOption() {
        assertMessage("--mqtt-url must start with", Map.of("MQTT_URL", "http://broker"), PRINTER);
        assertMessage("--mqtt-url needs a broker host", Map.of(), printerAnd("--mqtt-url", "mqtt://:1883"));
        assertMessage("--mqtt-url must be only", Map.of(), printerAnd("--mqtt-url", "mqtt://b/topic"));
        assertMessage("--mqtt-password needs --mqtt-username", Map.of("MQTT_URL", "mqtt://b", "MQTT_PASSWORD", "p"), PRINTER);
        assertMessage("--discovery-prefix", Map.of(), printerAnd("--mqtt-url", "mqtt://b", "--discovery-prefix", "home/#"));
        assertMessage("--mqtt-topic-prefix", Map.of(), printerAnd("--mqtt-url", "mqtt://b", "--mqtt-topic-prefix", "/lead"));
        assertMessage("--mqtt-topic-prefix", Map.of(), printerAnd("--mqtt-url", "mqtt://b", "--mqtt-topic-prefix", "a b"));
        assertMessage("--snapshot-interval", Map.of(), printerAnd("--mqtt-url", "mqtt://b", "--snapshot-interval", "3601"));
        assertMessage("--snapshot-interval", Map.of("SNAPSHOT_INTERVAL", "-1"), printerAnd("--mqtt-url", "mqtt://b"));
        assertMessage("--mqtt-insecure must be true or false", Map.of("MQTT_INSECURE", "maybe"), printerAnd("--mqtt-url", "mqtts://b"));
    }

    @Test
    void mqttUrlWithCredentialsIsRefusedWithoutRepeatingThem() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(Map.of("MQTT_URL", "mqtt://ha:hunter2@broker:1883"), PRINTER));
        assertTrue(e.getMessage().contains("--mqtt-username"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void mainExitsWithStatusTwoAndOneLineWithoutTheSecret() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--printer-ip", "192.0.2.1", "--access-code", "sécret-code"},
                Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().count(), text);
        assertFalse(text.contains("sécret-code"), text);
        assertTrue(text.contains("--access-code"), text);
    }

    /** Issue 15 item 10: the user set a variable, not a flag: the message names what they set. */
    @Test
    void aWrongValueFromAVariableNamesTheVariable() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[0], Map.of("PRINTER_IP", "192.0.2.1", "ACCESS_CODE", "12345678", "CAMERA_TYPE", "nonsense"),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertEquals("pandaproxy: CAMERA_TYPE (--camera) must be auto, chamber or rtsp, not 'nonsense'",
                err.toString(StandardCharsets.UTF_8).strip());
        err.reset();
        status = Main.run(new String[] {"--camera", "nonsense"}, Map.of("PRINTER_IP", "192.0.2.1", "ACCESS_CODE", "12345678",
                "CAMERA_TYPE", "rtsp"), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("pandaproxy: --camera must be auto, chamber or rtsp, not 'nonsense'", err.toString(StandardCharsets.UTF_8).strip(),
                "the flag wins over the variable, and is named");
        err.reset();
        Main.run(new String[0], Map.of("PRINTER_IP", "192.0.2.1", "ACCESS_CODE", "12345678", "MQTT_URL", "http://broker"),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("pandaproxy: MQTT_URL (--mqtt-url) must start with"), err.toString());
    }

    /**
     * A variable's or add-on option's value is taken as it is: picocli refused one that starts like
     * an option, quoting it (AddonOptionsFuzzTest found it), and replaced ${…} in it.
     */
    @Test
    void aValueFromAVariableOrTheAddOnIsTakenAsItIs() throws Exception {
        Map<String, String> env = Map.of("MQTT_URL", "mqtt://b", "MQTT_USERNAME", "--verbose", "MQTT_PASSWORD", "-vsecret");
        assertEquals("-vsecret", parse(env, PRINTER).mqtt().password().reveal());
        assertEquals("--verbose", parse(env, PRINTER).mqtt().username());
        env = Map.of("MQTT_URL", "mqtt://b", "MQTT_USERNAME", "ha", "MQTT_PASSWORD", "pa${env:HOME}ss${x}");
        assertEquals("pa${env:HOME}ss${x}", parse(env, PRINTER).mqtt().password().reveal());
        Cli cli = new Cli();
        Cli.commandLine(cli, Map.of(), Map.of("--printer-ip", "192.0.2.1", "--access-code", "-v123456")).parseArgs();
        assertEquals("-v123456", cli.toConfig().accessCode().reveal());
    }

    @Test
    void aCommandLineMistakeDoesNotQuoteTheSecret() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--printer-ip", "192.0.2.1", "--access-code", "12345678", "12345678"},
                Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Unmatched argument"), text);
        assertFalse(text.contains("12345678"), text);
    }

    @Test
    void masksAreMadeOfACharacterNoSecretHolds() {
        assertEquals("not '********'", ConfigException.withoutSecrets("not 'abcd'", "abcd", null, "ab"));
        assertEquals("not '########'", ConfigException.withoutSecrets("not '*****'", "*****"));
        assertEquals("x  y", ConfigException.withoutSecrets("x *#~? y", "*#~?"), "a secret holding every mask is cut out");
        assertEquals("", ConfigException.withoutSecrets("*#*#~?~?", "*#~?"), "and what its cutting joins is cut again");
    }

    @Test
    void unknownOptionIsOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--no-such-option"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count());
    }

    @Test
    void secretNeverPrintsItself() {
        assertFalse(new Secret("abc").toString().contains("abc"));
    }
}
