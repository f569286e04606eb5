package com.pandaproxy.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.sim.SimulatedPrinter;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.testutil.Interop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The program as users run it: {@code --demo} in its own JVM, a client, then SIGTERM. */
class DemoProcessTest {
    @TempDir
    Path dir;

    @Test
    void demoServesAClientAndExitsWithinTwoSecondsOfSigterm() throws Exception {
        int port = FreePort.get();
        Path log = dir.resolve("demo.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // output to a file: Process.destroy() closes the pipes, which would lose the last lines
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "com.pandaproxy.app.Main", "--demo", "--chamber-port", String.valueOf(port),
                "--http-port", String.valueOf(FreePort.get()), "--mqtt-relay-port", String.valueOf(FreePort.get()),
                "--data-dir", dir.resolve("data").toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            Await.until("the demo to be ready", Duration.ofSeconds(60),
                    () -> read(log).contains("Demo ready") || !process.isAlive());
            String ready = read(log).lines().filter(l -> l.contains("Demo ready")).findFirst().orElse(read(log));
            assertTrue(ready.contains("127.0.0.1:" + port) && ready.contains(SimulatedPrinter.DEMO_ACCESS_CODE), ready);

            // and a command to try it, as the RTSP demo prints its URLs (issue 15 item 10)
            String command = read(log).lines().filter(l -> l.contains("python3 -c")).findFirst().orElse(read(log));
            command = command.substring(command.indexOf("python3 -c"));
            assertTrue(command.contains(String.valueOf(port)) && command.contains(SimulatedPrinter.DEMO_ACCESS_CODE), command);
            if (Interop.find("python3").isPresent()) {
                Process tried = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
                String printed = new String(tried.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(tried.waitFor(20, TimeUnit.SECONDS));
                assertTrue(printed.startsWith("picture of "), printed);
            }

            try (ChamberViewer client = ChamberViewer.connect(port, SimulatedPrinter.DEMO_ACCESS_CODE)) {
                assertEquals(2, client.take(2, Duration.ofSeconds(20)).size());
                assertNull(client.violation());
            }

            long start = System.nanoTime();
            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(5, TimeUnit.SECONDS), "still running 5 s after SIGTERM");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis <= 2000, "exit took " + millis + " ms");
            assertTrue(read(log).contains("Stopped"), read(log));
        } finally {
            process.destroyForcibly();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }
}
