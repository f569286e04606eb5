package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
    }

    private static void assertMessage(String expected, Map<String, String> env, String... args) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(env, args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
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
