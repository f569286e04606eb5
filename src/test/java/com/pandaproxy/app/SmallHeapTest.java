package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.MemoryUsage;
import java.util.List;
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
}
