package com.pandaproxy.app;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.NotificationEmitter;

/**
 * With no heap flags, G1 sizes its heap from the machine's memory (a 24 GB host gives a 388 MB
 * initial heap and 4 MB regions), and its young generation grows into it: the proxy's few MB of
 * live data would sit in a resident set of 150 MB and more. When G1 runs with the default free
 * ratios, this keeps at most 60 % of the heap free and collects once after start, so the heap
 * shrinks to a few times the live data (40 MB on that host). Not less: below that the regions G1
 * never frees (the CDS archive's, the old ones) pass its threshold for concurrent cycles, whose
 * extra pauses make its sizing policy grow the heap to 200 MB. Should G1 grow it anyway, a heap
 * over {@link #CEILING} that a collection left three quarters empty is collected once more, at
 * most once a minute. Flags given by the user are left alone, and so is any other collector (the
 * Docker image's serial GC has an explicit small heap).
 */
public final class SmallHeap {
    /** A heap committed above this that a collection left mostly empty is collected again. */
    public static final long CEILING = 64L << 20;
    private static final long MIN_NANOS_BETWEEN_SHRINKS = TimeUnit.MINUTES.toNanos(1);

    private static long lastShrink = System.nanoTime() - MIN_NANOS_BETWEEN_SHRINKS;

    private SmallHeap() {
    }

    public static void apply() {
        try {
            // the JVM's own record of its options, those of JAVA_TOOL_OPTIONS and the like included
            if (sizesHeap(ManagementFactory.getRuntimeMXBean().getInputArguments())) {
                return;
            }
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (!vm.getVMOption("UseG1GC").getValue().equals("true") || !isDefault(vm, "MaxHeapFreeRatio")
                    || !isDefault(vm, "MinHeapFreeRatio") || !isDefault(vm, "MinHeapSize") || !isDefault(vm, "InitialHeapSize")) {
                return;
            }
            vm.setVMOption("MinHeapFreeRatio", "10");
            vm.setVMOption("MaxHeapFreeRatio", "60");
            System.gc(); // a full collection is where G1 shrinks the heap to the new ratio
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) collector).addNotificationListener(
                        (notification, handback) -> afterCollection(memory.getHeapMemoryUsage()), null, null);
            }
        } catch (RuntimeException e) {
            // not HotSpot, or the flags are not manageable: the JVM's own sizing stays
        }
    }

    /** Runs on the JVM's notification thread after every collection. */
    private static synchronized void afterCollection(MemoryUsage heap) {
        long now = System.nanoTime();
        if (worthShrinking(heap) && now - lastShrink >= MIN_NANOS_BETWEEN_SHRINKS) {
            lastShrink = now;
            System.gc();
        }
    }

    /** Whether a heap that G1 grew is mostly empty right after a collection. */
    static boolean worthShrinking(MemoryUsage heap) {
        return heap.getCommitted() > CEILING && heap.getUsed() < heap.getCommitted() / 4;
    }

    /** Whether one of the JVM {@code options} chooses a collector or sizes the heap. */
    static boolean sizesHeap(List<String> options) {
        return options.stream().anyMatch(o -> o.startsWith("-Xmx") || o.startsWith("-Xms") || o.startsWith("-Xmn")
                || o.startsWith("-XX:") && (o.contains("GC") || o.contains("Heap") || o.contains("RAM")));
    }

    /** Whether the user left {@code flag} alone (the JVM's default or its own choice). */
    private static boolean isDefault(HotSpotDiagnosticMXBean vm, String flag) {
        VMOption.Origin origin = vm.getVMOption(flag).getOrigin();
        return origin == VMOption.Origin.DEFAULT || origin == VMOption.Origin.ERGONOMIC;
    }
}
