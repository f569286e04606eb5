package com.pandaproxy.addon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.testutil.Interop;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run.sh, the container's entrypoint, run by {@code sh} with a temporary folder standing for
 * /data and a stand-in {@code java} on PATH that records its arguments and environment.
 */
class RunScriptTest {
    private static final String CODE = "s3cret-code";
    private static final String TOKEN = "supervisor-token-xyz";

    @TempDir
    Path tmp;
    private Path data;
    private Path bin;
    private Path record;

    /** What one run of run.sh did. */
    record Run(int status, String output, Path record) {
        List<String> args() throws IOException {
            return Files.readAllLines(record.resolve("args"));
        }

        Map<String, String> env() throws IOException {
            Map<String, String> env = new HashMap<>();
            for (String line : Files.readAllLines(record.resolve("env"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return env;
        }

        boolean javaStarted() {
            return Files.exists(record.resolve("args"));
        }
    }

    @BeforeEach
    void standIns() throws IOException {
        Interop.require("sh");
        data = Files.createDirectories(tmp.resolve("data"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        record = Files.createDirectories(tmp.resolve("record"));
        executable(bin.resolve("java"), """
                #!/bin/sh
                echo $$ > "$RECORD_DIR/pid"
                for a in "$@"; do printf '%s\\n' "$a"; done > "$RECORD_DIR/args"
                env > "$RECORD_DIR/env"
                """);
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Run run(Map<String, String> vars, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", Project.file("run.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("RECORD_DIR", record.toString());
        env.put("PANDAPROXY_OPTIONS_FILE", data.resolve("options.json").toString());
        env.putAll(vars);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "run.sh finished");
        if (Files.exists(record.resolve("pid"))) {
            assertEquals(String.valueOf(p.pid()), Files.readString(record.resolve("pid")).trim(),
                    "run.sh execs java: the JVM is the same process and gets the signals");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), record);
    }

    @Test
    void standaloneTakesVariablesAndPassesArguments() throws Exception {
        Run run = run(Map.of("PRINTER_IP", "192.0.2.7", "ACCESS_CODE", CODE, "SERIAL_NUMBER", "01P00A1",
                "JAVA_OPTS", "-Xmx48m -XX:+UseSerialGC -Dglob=*"), "--camera", "chamber", "--log-level", "debug info");
        assertEquals(0, run.status(), run.output());
        assertEquals(List.of("-Xmx48m", "-XX:+UseSerialGC", "-Dglob=*", "-jar", "/app/pandaproxy.jar",
                "--camera", "chamber", "--log-level", "debug info"), run.args());
        Map<String, String> env = run.env();
        assertEquals("192.0.2.7", env.get("PRINTER_IP"));
        assertEquals(CODE, env.get("ACCESS_CODE"));
        assertEquals("01P00A1", env.get("SERIAL_NUMBER"));
        assertFalse(env.containsKey("PANDAPROXY_ADDON"));
        assertEquals("pandaproxy: standalone mode\n", run.output());
    }

    @Test
    void theImagesClassDataSharingArchiveIsUsedWhenItIsThere() throws Exception {
        Path jar = Files.writeString(tmp.resolve("pandaproxy.jar"), "");
        Run without = run(Map.of("PANDAPROXY_JAR", jar.toString()), "--demo");
        assertEquals(List.of("-jar", jar.toString(), "--demo"), without.args());
        Files.writeString(tmp.resolve("pandaproxy.jsa"), "");
        Run with = run(Map.of("PANDAPROXY_JAR", jar.toString(), "JAVA_OPTS", "-Xmx16m"), "--demo");
        assertEquals(List.of("-Xmx16m", "-XX:SharedArchiveFile=" + tmp.resolve("pandaproxy.jsa"), "-jar", jar.toString(), "--demo"),
                with.args());
    }

    @Test
    void standaloneWithoutPrinterSettingsFailsClearly() throws Exception {
        Run none = run(Map.of());
        assertEquals(2, none.status());
        assertTrue(none.output().startsWith("pandaproxy: set PRINTER_IP and ACCESS_CODE, e.g. docker run -e PRINTER_IP="), none.output());
        assertEquals(1, none.output().lines().count());
        assertFalse(none.javaStarted());

        Run noCode = run(Map.of("PRINTER_IP", "192.0.2.7"));
        assertEquals(2, noCode.status());
        assertTrue(noCode.output().startsWith("pandaproxy: set ACCESS_CODE,"), noCode.output());

        Run flags = run(Map.of(), "--printer-ip", "192.0.2.7", "--access-code=" + CODE);
        assertEquals(0, flags.status(), flags.output());
        assertFalse(flags.output().contains(CODE), flags.output());
    }

    @Test
    void demoNeedsNoPrinter() throws Exception {
        Run run = run(Map.of(), "--demo", "rtsp");
        assertEquals(0, run.status(), run.output());
        assertEquals(List.of("-jar", "/app/pandaproxy.jar", "--demo", "rtsp"), run.args());
    }

    @Test
    void addonModeLeavesTheOptionsToTheProgram() throws Exception {
        Files.writeString(data.resolve("options.json"), "{\"printer_ip\": \"192.0.2.7\", \"access_code\": \"" + CODE + "\"}");
        Run run = run(Map.of("SUPERVISOR_TOKEN", TOKEN, "JAVA_OPTS", "-Xmx48m"));
        assertEquals(0, run.status(), run.output());
        assertEquals(List.of("-Xmx48m", "-jar", "/app/pandaproxy.jar"), run.args());
        Map<String, String> env = run.env();
        assertEquals("1", env.get("PANDAPROXY_ADDON"));
        assertEquals(data.resolve("options.json").toString(), env.get("PANDAPROXY_OPTIONS_FILE"));
        assertEquals(TOKEN, env.get("SUPERVISOR_TOKEN"));
        assertEquals("pandaproxy: add-on mode\n", run.output());
    }

    @Test
    void addonModeIsAlsoTheOptionsFileAlone() throws Exception {
        Files.writeString(data.resolve("options.json"), "{}");
        Run run = run(Map.of());
        assertEquals(0, run.status(), run.output());
        assertEquals("1", run.env().get("PANDAPROXY_ADDON"));
    }

    @Test
    void addonModeWithoutOptionsFileFailsClearly() throws Exception {
        Run run = run(Map.of("SUPERVISOR_TOKEN", TOKEN));
        assertEquals(2, run.status());
        assertEquals("pandaproxy: add-on mode, but the options file " + data.resolve("options.json")
                + " is missing: start the add-on from Home Assistant\n", run.output());
        assertFalse(run.javaStarted());
    }

    /**
     * run.sh with the real program behind it (the stand-in runs this build's Main instead of
     * the jar): it asks the Supervisor stand-in for the broker with the token, then stops at a
     * bad option with one line naming it — and nothing secret is printed on the way.
     */
    @Test
    void addonModeEndToEndWithTheProgram() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        executable(bin.resolve("java"), """
                #!/bin/sh
                # drop "-jar <jar>"; run Main from the test class path instead
                shift 2
                exec "%s" -cp "%s" com.pandaproxy.app.Main "$@"
                """.formatted(java, System.getProperty("java.class.path")));
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer supervisor = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        supervisor.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = """
                    {"result": "ok", "data": {"host": "core-mosquitto", "port": 1883, "ssl": false,
                     "username": "addons", "password": "broker-pw-123"}}""".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        supervisor.start();
        try {
            Files.writeString(data.resolve("options.json"),
                    "{\"printer_ip\": \"192.0.2.7\", \"access_code\": \"" + CODE + "\", \"camera\": \"webcam\", \"log_level\": \"info\"}");
            Run run = run(Map.of("SUPERVISOR_TOKEN", TOKEN,
                    "SUPERVISOR_URL", "http://127.0.0.1:" + supervisor.getAddress().getPort(),
                    "JAVA_HOME", System.getProperty("java.home")));
            assertEquals(2, run.status(), run.output());
            assertEquals("pandaproxy: add-on mode\npandaproxy: add-on option camera (--camera) must be auto, chamber or rtsp, not 'webcam'\n", run.output());
            assertEquals(List.of("/services/mqtt Bearer " + TOKEN), requests);
            for (String secret : List.of(CODE, TOKEN, "broker-pw-123")) {
                assertFalse(run.output().contains(secret), secret);
            }

            Files.writeString(data.resolve("options.json"), "{\"printer_ip\": \"192.0.2.7\"}");
            Run missing = run(Map.of("SUPERVISOR_TOKEN", TOKEN, "SUPERVISOR_URL", "http://127.0.0.1:" + supervisor.getAddress().getPort()));
            assertEquals(2, missing.status(), missing.output());
            assertEquals("pandaproxy: add-on mode\npandaproxy: add-on option access_code is not set: fill it in on the add-on's Configuration tab\n",
                    missing.output());
        } finally {
            supervisor.stop(0);
        }
    }
}
