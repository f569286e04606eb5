package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags > environment variables > the add-on's options file > defaults. */
class AddonPrecedenceTest {
    @TempDir
    Path dir;

    private Map<String, String> env(String optionsJson, String... vars) throws IOException {
        Path file = Files.writeString(dir.resolve("options.json"), optionsJson);
        Map<String, String> env = new HashMap<>();
        env.put(AddonMode.OPTIONS_FILE_VARIABLE, file.toString());
        for (int i = 0; i < vars.length; i += 2) {
            env.put(vars[i], vars[i + 1]);
        }
        return env;
    }

    private static Cli parse(Map<String, String> env, String... args) throws ConfigException {
        Cli cli = new Cli();
        Cli.commandLine(cli, env, AddonMode.load(env, args).options()).parseArgs(args);
        return cli;
    }

    private static final String OPTIONS = """
            {"printer_ip": "192.0.2.1", "access_code": "fromfile", "serial_number": "SERIALFILE",
             "camera": "rtsp", "log_level": "warning", "snapshot_interval": 10}
            """;

    @Test
    void optionsFileFillsWhatNothingElseGives() throws Exception {
        Cli cli = parse(env(OPTIONS));
        Config c = cli.toConfig();
        assertEquals("192.0.2.1", c.printerIp());
        assertEquals("fromfile", c.accessCode().reveal());
        assertEquals("SERIALFILE", c.serial());
        assertEquals(CameraMode.RTSP, c.camera());
        assertEquals("warn", cli.logLevel());
        assertEquals(dir.toAbsolutePath(), c.dataDir().toAbsolutePath(), "in add-on mode the data dir is the options file's folder");
        assertEquals(6000, c.chamberPort(), "options the file does not have keep their defaults");
    }

    /** Add-on mode accepts Home Assistant's ingress and links the device to the add-on's page; standalone does neither. */
    @Test
    void addonModeAcceptsIngressAndLinksToItsPage() throws Exception {
        Config addon = parse(env(OPTIONS, "HOSTNAME", "a0d7b954-pandaproxy")).toConfig();
        assertEquals("172.30.32.2", addon.ingressProxy());
        assertEquals("homeassistant://hassio/ingress/a0d7b954_pandaproxy", addon.webLink());
        assertEquals(8765, addon.httpPort());
        assertEquals("homeassistant://hassio/ingress/local_pandaproxy", AddonMode.ingressLink("local-pandaproxy"));
        assertEquals(null, AddonMode.ingressLink("some host"));
        assertEquals(null, AddonMode.ingressLink(null));
        Config standalone = parse(Map.of(), "--printer-ip", "192.0.2.1", "--access-code", "x").toConfig();
        assertEquals(null, standalone.ingressProxy());
        assertEquals(null, standalone.webLink());
    }

    @Test
    void variablesBeatTheOptionsFile() throws Exception {
        Cli cli = parse(env(OPTIONS, "PRINTER_IP", "192.0.2.2", "CAMERA_TYPE", "chamber", "LOG_LEVEL", "error",
                "DATA_DIR", "/tmp/elsewhere"));
        Config c = cli.toConfig();
        assertEquals("192.0.2.2", c.printerIp());
        assertEquals(CameraMode.CHAMBER, c.camera());
        assertEquals("error", cli.logLevel());
        assertEquals(Path.of("/tmp/elsewhere"), c.dataDir());
        assertEquals("fromfile", c.accessCode().reveal());
    }

    @Test
    void flagsBeatVariablesAndTheOptionsFile() throws Exception {
        Config c = parse(env(OPTIONS, "PRINTER_IP", "192.0.2.2", "ACCESS_CODE", "fromenv"),
                "--printer-ip", "192.0.2.3", "--camera", "auto").toConfig();
        assertEquals("192.0.2.3", c.printerIp());
        assertEquals("fromenv", c.accessCode().reveal());
        assertEquals(CameraMode.AUTO, c.camera());
    }

    @Test
    void blankVariableFallsThroughToTheOptionsFile() throws Exception {
        assertEquals("192.0.2.1", parse(env(OPTIONS, "PRINTER_IP", " ")).toConfig().printerIp());
    }

    @Test
    void withoutTheOptionsFileNothingChanges() throws Exception {
        Map<String, String> env = Map.of(AddonMode.OPTIONS_FILE_VARIABLE, dir.resolve("absent.json").toString(),
                "PRINTER_IP", "192.0.2.9", "ACCESS_CODE", "x");
        Config c = parse(env).toConfig();
        assertEquals("192.0.2.9", c.printerIp());
        assertEquals(Path.of("./data"), c.dataDir());
    }

    @Test
    void addonModeSaidByRunShNeedsTheFile() {
        Map<String, String> env = Map.of(AddonMode.OPTIONS_FILE_VARIABLE, dir.resolve("absent.json").toString(),
                AddonMode.ADDON_VARIABLE, "1");
        ConfigException e = assertThrows(ConfigException.class, () -> AddonMode.load(env, new String[0]));
        assertEquals("add-on options file " + dir.resolve("absent.json") + " is missing", e.getMessage());
    }

    @Test
    void requiredOptionMissingEverywhereNamesTheAddonOption() throws Exception {
        Map<String, String> env = env("{\"printer_ip\": \"192.0.2.1\", \"access_code\": \"\"}");
        ConfigException e = assertThrows(ConfigException.class, () -> AddonMode.load(env, new String[0]));
        assertEquals("add-on option access_code is not set: fill it in on the add-on's Configuration tab", e.getMessage());
        // given by a variable or a flag instead, it is not missing
        env.put("ACCESS_CODE", "fromenv");
        assertEquals("fromenv", parse(env).toConfig().accessCode().reveal());
        env.remove("ACCESS_CODE");
        assertEquals("flag", parse(env, "--access-code", "flag").toConfig().accessCode().reveal());
        // --help and --demo need no printer
        AddonMode.load(env, new String[] {"--help"});
        AddonMode.load(env, new String[] {"--demo"});
    }

    @Test
    void badOptionsStopMainWithStatusTwoAndOneLineWithoutSecrets() throws Exception {
        assertMainFails(env("{\"printer_ip\": \"192.0.2.1\", \"access_code\": \"s3cret-code\", \"snapshot_interval\": \"abc\"}"),
                "pandaproxy: add-on option snapshot_interval must be a whole number, not 'abc'");
        assertMainFails(env("{\"printer_ip\": \"192.0.2.1\", \"access_code\": \"s3cret-code\", \"camera\": \"webcam\"}"),
                "pandaproxy: add-on option camera (--camera) must be auto, chamber or rtsp, not 'webcam'");
        assertMainFails(env("{\"printer_ip\": \"192.0.2.1\", \"access_code\": \"s3cret-code\" \"camera\": 1}"),
                "pandaproxy: add-on options file " + dir.resolve("options.json") + " is not valid JSON at line 1, column 58");
        assertMainFails(env("{\"printer_ip\": \"192.0.2.1\", \"access_code\": \"" + "s3cret-code".repeat(4) + "\"}"),
                "pandaproxy: add-on option access_code (--access-code) must be 1 to 32 characters long");
    }

    private static void assertMainFails(Map<String, String> env, String expected) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(new String[0], env, new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(expected, text.strip());
        assertFalse(text.contains("s3cret"), text);
        assertTrue(out.toString(StandardCharsets.UTF_8).isEmpty());
    }
}
