package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SmallHeapTest {
    @Test
    void heapOrCollectorFlagsMeanTheUserChose() {
        for (String option : List.of("-Xmx64m", "-Xms8m", "-Xmn2m", "-XX:+UseSerialGC", "-XX:+UseG1GC",
                "-XX:MaxHeapFreeRatio=50", "-XX:MaxRAMPercentage=25", "-XX:InitialHeapSize=16m")) {
            assertTrue(SmallHeap.sizesHeap(List.of("-Dx=1", option, "-jar", "p.jar")), option);
        }
    }

    @Test
    void otherFlagsLeaveTheSizingToUs() {
        assertFalse(SmallHeap.sizesHeap(List.of("-jar", "target/pandaproxy.jar", "--demo")));
        assertFalse(SmallHeap.sizesHeap(List.of("-Xlog:gc", "-Dio.netty.allocator.type=pooled", "-XX:+ExitOnOutOfMemoryError",
                "-XX:TieredStopAtLevel=1", "-jar", "p.jar")));
    }

    @Test
    void onlyAMostlyEmptyHeapOverTheCeilingIsCollectedAgain() {
        long mb = 1L << 20;
        assertTrue(SmallHeap.worthShrinking(new MemoryUsage(0, 6 * mb, 208 * mb, 6 * mb * 1024)));
        assertFalse(SmallHeap.worthShrinking(new MemoryUsage(0, 6 * mb, 40 * mb, 6 * mb * 1024)), "under the ceiling");
        assertFalse(SmallHeap.worthShrinking(new MemoryUsage(0, 80 * mb, 208 * mb, 6 * mb * 1024)), "needs the room");
    }

    /** A JVM with no heap flags, as {@code java -jar}: the heap G1 grew goes back under the ceiling. */
    @Test
    void aHeapThatG1GrewShrinksBackAfterTheNextCollection() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SmallHeapChild.class.getName()).redirectErrorStream(true);
        List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS").forEach(builder.environment()::remove);
        Process child = builder.start();
        try {
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), output);
            assertEquals(0, child.exitValue(), output);
            long started = committedMb(output, "started");
            long grown = committedMb(output, "grown");
            long afterGarbage = committedMb(output, "garbage");
            assertTrue(started <= SmallHeap.CEILING >> 20, output);
            assertTrue(grown > SmallHeap.CEILING >> 20, "the test should make G1 grow the heap: " + output);
            assertTrue(afterGarbage <= SmallHeap.CEILING >> 20, output);
        } finally {
            child.destroyForcibly();
        }
    }

    private static long committedMb(String output, String step) {
        return output.lines().filter(l -> l.startsWith(step + " ")).mapToLong(l -> Long.parseLong(l.substring(step.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no '" + step + "' in: " + output));
    }
}
