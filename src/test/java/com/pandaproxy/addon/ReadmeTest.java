package com.pandaproxy.addon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.Interop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What README.md tells users to run or look up, checked against the program (issue 15 item 10). */
class ReadmeTest {
    private static final String README = Project.text("README.md");
    private static final String CODE = "11223344";

    @TempDir
    Path dir;

    /** The chamber-image check in Python: pictures with the right code, one clear line with a wrong one. */
    @Test
    void theChamberSnippetShowsPicturesAndSaysWhatAWrongCodeMeans() throws Exception {
        Path python = Interop.require("python3");
        Matcher block = Pattern.compile("(?s)Quick check from any machine with Python 3.*?```python\n(.*?)```").matcher(README);
        assertTrue(block.find(), "the README's Python snippet");
        try (ChamberSimulator printer = ChamberSimulator.start(0, CODE)) {
            String right = run(python, snippet(block.group(1), printer.port(), CODE), 20);
            assertTrue(right.contains("picture of "), right);
            String wrong = run(python, snippet(block.group(1), printer.port(), "99999999"), 60);
            assertFalse(wrong.contains("Traceback"), wrong);
            assertTrue(wrong.contains("access code"), wrong);
        }
    }

    /** The snippet aimed at the simulator on loopback. */
    private static String snippet(String code, int port, String accessCode) {
        String s = code.replaceFirst("HOST, CODE = \"[^\"]*\", \"[^\"]*\"", "HOST, CODE = \"127.0.0.1\", \"" + accessCode + "\"");
        assertTrue(s.contains("6000") && !s.equals(code), code);
        return s.replace("6000", String.valueOf(port));
    }

    /** Runs the script for at most {@code seconds} (the right code's loop never ends) and returns its output. */
    private String run(Path python, String script, int seconds) throws Exception {
        Path file = Files.writeString(dir.resolve("check.py"), script);
        Process p = new ProcessBuilder(python.toString(), "-u", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (p.isAlive() && System.nanoTime() < deadline && !Files.readString(dir.resolve("out.txt")).contains("picture of")) {
            Thread.sleep(20);
        }
        p.destroyForcibly().waitFor();
        return Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    }

    @Test
    void everyOptionIsInOneTableOnly() {
        Map<String, Integer> rows = new HashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `(--[a-z-]+)").matcher(README);
        while (row.find()) {
            rows.merge(row.group(1), 1, Integer::sum);
        }
        assertTrue(rows.containsKey("--mqtt-url"), rows.toString());
        assertEquals(Map.of(), rows.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Test
    void theTestSectionSaysWhichProgramsTheInteropTestsNeed() {
        String tests = README.substring(README.indexOf("Run the tests"));
        tests = tests.substring(0, tests.indexOf("\n## "));
        for (String program : List.of(".ci/run", "ffmpeg", "GStreamer", "mosquitto", "skipped")) {
            assertTrue(tests.contains(program), program + " in: " + tests);
        }
    }
}
