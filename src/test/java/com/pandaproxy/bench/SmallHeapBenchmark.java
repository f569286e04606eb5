package com.pandaproxy.bench;

import com.pandaproxy.app.SmallHeap;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link SmallHeap} does in a JVM with no heap flags, as {@code java -jar} starts it: a child
 * JVM applies it, makes G1 grow the heap with 192 MB of live arrays, drops them, then allocates
 * garbage until the heap is back under {@link SmallHeap#CEILING} (at most 90 s: SmallHeap
 * collects at most once a minute). Prints the heap committed after each step, in MB, and how long
 * the way back took. A program, not a test: how far and how fast G1 grows the heap depends on the
 * machine's load (a busy machine once gave "started 32, grown 424, garbage 936").
 * Run: {@code ./mvnw -q -o test-compile && java -cp target/test-classes:target/classes
 * com.pandaproxy.bench.SmallHeapBenchmark}
 */
public final class SmallHeapBenchmark {
    static volatile Object sink;

    private SmallHeapBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child();
            return;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SmallHeapBenchmark.class.getName(), "child").redirectErrorStream(true);
        List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS").forEach(builder.environment()::remove);
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        child.waitFor();
        System.out.print(output);
        System.out.println("ceiling " + (SmallHeap.CEILING >> 20) + " MB; load " + ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
    }

    private static void child() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        SmallHeap.apply();
        System.out.println("started " + (memory.getHeapMemoryUsage().getCommitted() >> 20));
        List<byte[]> live = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            live.add(new byte[4 << 20]);
        }
        System.out.println("grown " + (memory.getHeapMemoryUsage().getCommitted() >> 20));
        live = null;
        long start = System.nanoTime();
        long deadline = start + 90_000_000_000L;
        while (System.nanoTime() < deadline && memory.getHeapMemoryUsage().getCommitted() > SmallHeap.CEILING) {
            for (int i = 0; i < 1000; i++) {
                sink = new byte[1024];
            }
            Thread.sleep(1);
        }
        System.out.println("garbage " + (memory.getHeapMemoryUsage().getCommitted() >> 20) + " (after "
                + (System.nanoTime() - start) / 1_000_000 + " ms)");
    }
}
