package com.pandaproxy.testutil;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer (or any other leaked resource) while it
 * ran. Every test runs with Netty's leak detector at {@code paranoid} and with {@link Detector} as
 * its detector (both set in the pom for surefire); this extension is registered for every test
 * class (junit-platform.properties, META-INF/services). After each class it collects garbage and
 * makes Netty look at what was collected, so a leak shows up in the class that caused it or soon
 * after, with the buffer's access records in the failure.
 */
public final class LeakCheck implements AfterAllCallback {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (!(ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID)) {
            return; // run outside the build's settings (an IDE): nothing to check
        }
        for (int round = 0; round < 2; round++) {
            System.gc();
            Thread.sleep(20); // the JVM's reference handler queues what was collected
            // with paranoid detection every allocation polls the detector's queue and reports
            ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.buffer(1);
            probe.release();
        }
        List<String> found = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            found.add(leak);
        }
        if (!found.isEmpty()) {
            Assertions.fail(found.size() + " Netty resource leak(s) reported during or before "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", found));
        }
    }

    /** Netty's detector, recording each report for {@link LeakCheck} as well as logging it. */
    public static final class Detector<T> extends ResourceLeakDetector<T> {
        public Detector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        /** The constructor Netty also looks up (and logs an error without). */
        public Detector(Class<?> resourceType, int samplingInterval, long maxActive) {
            this(resourceType, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK: " + resourceType + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK: " + resourceType + " (no access records)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
