package com.pandaproxy.bench;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up figures of the packaged program, run as a separate process against the simulated
 * chamber-image printer:
 * <ol>
 *   <li>process start → first frame at a waiting client, printer up, first run (detection);</li>
 *   <li>the same with the camera type remembered from an earlier run;</li>
 *   <li>printer off at start and switched on 3 s after the program's first detection round:
 *       switch-on → first frame, next to the detection backoff pending at switch-on (from the
 *       debug log);</li>
 *   <li>SIGTERM → process exit.</li>
 * </ol>
 * Run: {@code ./mvnw -q -DskipTests package && ./mvnw -q -o test-compile &&
 * java -cp target/test-classes:target/pandaproxy.jar com.pandaproxy.bench.LifecycleBenchmark [runs]};
 * {@code -Dbench.jvm="-XX:TieredStopAtLevel=1"} passes JVM options to the measured process.
 */
public final class LifecycleBenchmark {
    private static final String CODE = "24681357";
    private static final Pattern NEXT = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) DEBUG Printer - Next detection in (\\d+) ms");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private LifecycleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path jar = Path.of(System.getProperty("bench.jar", "target/pandaproxy.jar"));
        Path work = Files.createTempDirectory("pandaproxy-bench");
        Path template = work.resolve("template");
        System.out.println("logs in " + work);
        try (ChamberSimulator sim = ChamberSimulator.start(0, CODE)) {
            // warm-up run: makes the TLS certificate once (kept, as on a real second start) and warms the disk cache
            Run warm = new Run(jar, template, sim.port(), work.resolve("warm.log"));
            warm.firstFrame();
            warm.stop();

            List<Long> detected = new ArrayList<>();
            List<Long> remembered = new ArrayList<>();
            List<Long> appeared = new ArrayList<>();
            List<Long> pending = new ArrayList<>();
            List<Long> overhead = new ArrayList<>();
            List<Long> shutdown = new ArrayList<>();
            List<Long> bareJvm = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                bareJvm.add(bareJvm());
                Path data = copy(template, work.resolve("d" + i), false);
                Run r = new Run(jar, data, sim.port(), work.resolve("d" + i + ".log"));
                detected.add(r.firstFrame());
                shutdown.add(r.stop());

                data = copy(template, work.resolve("r" + i), true);
                r = new Run(jar, data, sim.port(), work.resolve("r" + i + ".log"));
                remembered.add(r.firstFrame());
                shutdown.add(r.stop());

                sim.stop();
                data = copy(template, work.resolve("o" + i), false);
                r = new Run(jar, data, sim.port(), work.resolve("o" + i + ".log"), "--log-level", "debug");
                r.awaitLog("Next detection in", Duration.ofSeconds(30)); // the program is up and found nothing
                Thread.sleep(3000);
                long on = System.currentTimeMillis();
                sim.restart();
                long frame = r.frameAfter(on);
                long due = r.nextDetectionDue(on);
                appeared.add(frame - on);
                pending.add(Math.max(0, due - on));
                overhead.add(frame - Math.max(on, due));
                shutdown.add(r.stop());
            }
            System.out.printf("runs: %d, JVM options '%s', simulator 2 fps 1280x720, load average %s%n", runs,
                    System.getProperty("bench.jvm", ""), Files.readString(Path.of("/proc/loadavg")).strip());
            print("yardstick: java -version, start to exit (ms)", bareJvm);
            print("process start -> first frame, printer up, detection (ms)", detected);
            print("process start -> first frame, printer up, remembered type (ms)", remembered);
            print("printer switched on 3 s after the first probe -> first frame (ms)", appeared);
            print("  of which detection backoff still pending at switch-on (ms)", pending);
            print("  first frame after the next probe was due (ms)", overhead);
            print("SIGTERM -> process exit (ms)", shutdown);
        }
    }

    /** The machine's own yardstick for the figures below: a bare JVM start (varies with load). */
    private static long bareJvm() throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void print(String what, List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        System.out.printf("%-66s median %5d  min %5d  max %5d%n", what,
                sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static Path copy(Path template, Path to, boolean withType) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(template)) {
            for (Path f : files.toList()) {
                if (withType || !f.getFileName().toString().equals("camera-type")) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
        return to;
    }

    /** One run of the packaged program against the simulator, with a client waiting from the start. */
    private static final class Run {
        final Process process;
        final long started;
        final int proxyPort = FreePort.get();
        final Path log;

        Run(Path jar, Path data, int printerPort, Path log, String... extra) throws IOException {
            this.log = log;
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            String jvm = System.getProperty("bench.jvm", "").strip();
            if (!jvm.isEmpty()) {
                cmd.addAll(List.of(jvm.split("\\s+")));
            }
            cmd.addAll(List.of("-jar", jar.toString(), "--printer-ip", "127.0.0.1", "--access-code", CODE,
                    "--printer-chamber-port", String.valueOf(printerPort),
                    "--printer-rtsp-port", String.valueOf(FreePort.get()),
                    "--chamber-port", String.valueOf(proxyPort), "--rtsp-port", String.valueOf(FreePort.get()),
                    "--http-port", String.valueOf(FreePort.get()),
                    "--bind", "127.0.0.1", "--data-dir", data.toString()));
            cmd.addAll(List.of(extra));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            started = System.nanoTime();
            process = pb.start();
        }

        /** Milliseconds from process start to the first frame at a client that waited from the start. */
        long firstFrame() throws Exception {
            try (ChamberViewer v = ChamberViewer.connect("127.0.0.1", proxyPort, Bambu.USER, CODE, Duration.ofSeconds(20))) {
                v.nextFrame(Duration.ofSeconds(20));
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        }

        /** Wall-clock millis of the first frame at a client that waits for the port to open. */
        long frameAfter(long since) throws Exception {
            try (ChamberViewer v = ChamberViewer.connect("127.0.0.1", proxyPort, Bambu.USER, CODE, Duration.ofSeconds(90))) {
                v.nextFrame(Duration.ofSeconds(30));
            }
            return System.currentTimeMillis();
        }

        /** When the detection round pending at {@code at} was due, from the debug log (wall-clock millis). */
        long nextDetectionDue(long at) throws IOException {
            long due = at;
            for (String line : Files.readAllLines(log)) {
                Matcher m = NEXT.matcher(line);
                if (m.find()) {
                    long logged = LocalDateTime.parse(m.group(1), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
                    if (logged <= at) {
                        due = logged + Long.parseLong(m.group(2));
                    }
                }
            }
            return due;
        }

        /** Waits until the log has a line containing {@code text}. */
        void awaitLog(String text, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (Files.readAllLines(log).stream().noneMatch(l -> l.contains(text))) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("no '" + text + "' in " + log);
                }
                Thread.sleep(20);
            }
        }

        /** SIGTERM, then milliseconds until the process is gone. */
        long stop() throws Exception {
            long t0 = System.nanoTime();
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("the process did not stop within 10 s after SIGTERM; log: " + log);
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
    }
}
