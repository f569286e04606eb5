package com.pandaproxy.net;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter between {@code min} and {@code max} milliseconds. */
public final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private int attempt;

    public Backoff(long minMillis, long maxMillis) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
    }

    /** The next delay: doubles per failed attempt, then a random value in [delay/2, delay]. */
    public long nextDelayMillis() {
        long ceiling = Math.min(maxMillis, minMillis << Math.min(attempt, 20));
        attempt++;
        long floor = Math.max(minMillis, ceiling / 2);
        return floor >= ceiling ? ceiling : ThreadLocalRandom.current().nextLong(floor, ceiling + 1);
    }

    /** After a success the next failure starts again at the minimum. */
    public void reset() {
        attempt = 0;
    }
}
