package com.pandaproxy.app;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM with no heap flags, for {@link SmallHeapTest}: applies {@link SmallHeap}, makes G1 grow
 * the heap with 192 MB of live arrays, drops them, keeps allocating garbage and prints the heap it
 * has committed after each step, in MB.
 */
public final class SmallHeapChild {
    static volatile Object sink;

    public static void main(String[] args) throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        SmallHeap.apply();
        System.out.println("started " + (memory.getHeapMemoryUsage().getCommitted() >> 20));
        List<byte[]> live = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            live.add(new byte[4 << 20]);
        }
        System.out.println("grown " + (memory.getHeapMemoryUsage().getCommitted() >> 20));
        live = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && memory.getHeapMemoryUsage().getCommitted() > SmallHeap.CEILING) {
            for (int i = 0; i < 1000; i++) {
                sink = new byte[1024];
            }
            Thread.sleep(1);
        }
        System.out.println("garbage " + (memory.getHeapMemoryUsage().getCommitted() >> 20));
    }
}
