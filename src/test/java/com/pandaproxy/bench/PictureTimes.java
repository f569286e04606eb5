package com.pandaproxy.bench;

import io.netty.buffer.Unpooled;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the simulated printer handed each picture to its socket ({@code RtspSimulator.onPictureSent}),
 * by the picture's key ({@link BenchClient#pictureKey}), so a client's arrival time of the picture
 * gives its way through a relay, whatever the relay did to the packets. The clip loops, so a key
 * comes back every few seconds: an arrival belongs to the latest sending before it.
 */
final class PictureTimes {
    /** An arrival later than this after the latest sending of its picture is not matched. */
    private static final long MAX_NANOS = 2_000_000_000L;
    private static final int KEPT = 64;

    private final Map<Long, long[]> sent = new ConcurrentHashMap<>();

    /** Called by the simulator's event loop for each picture sent. */
    void sent(byte[] lastNal, long nanos) {
        long key = BenchClient.pictureKey(Unpooled.wrappedBuffer(lastNal));
        if (key == 0) {
            return;
        }
        long[] t = sent.computeIfAbsent(key, k -> new long[KEPT + 1]); // t[0]: how many, then a ring
        synchronized (t) {
            t[1 + (int) (t[0]++ % KEPT)] = nanos;
        }
    }

    /** The latest time the picture {@code key} was sent at or before {@code arrival}; Long.MIN_VALUE if none within 2 s. */
    long sentBefore(long key, long arrival) {
        long[] t = sent.get(key);
        if (t == null) {
            return Long.MIN_VALUE;
        }
        synchronized (t) {
            long best = Long.MIN_VALUE;
            for (int i = 1; i <= Math.min(t[0], KEPT); i++) {
                if (t[i] <= arrival && t[i] > best) {
                    best = t[i];
                }
            }
            return arrival - best <= MAX_NANOS ? best : Long.MIN_VALUE;
        }
    }
}
