package com.pandaproxy.net;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one log line per quiet period for a kind of bad input, so that a flood of it cannot
 * flood the log: {@link #due()} says whether this one may be logged at its full level. Thread-safe.
 */
public final class LogGate {
    private final long quietNanos;
    private final AtomicLong last;

    public LogGate(Duration quiet) {
        this.quietNanos = quiet.toNanos();
        this.last = new AtomicLong(System.nanoTime() - quietNanos);
    }

    /** True for the first call of each quiet period (and it starts a new one). */
    public boolean due() {
        long before = last.get();
        long now = System.nanoTime();
        return now - before >= quietNanos && last.compareAndSet(before, now);
    }
}
