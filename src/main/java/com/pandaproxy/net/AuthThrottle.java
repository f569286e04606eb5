package com.pandaproxy.net;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down guessing of the access code through the proxy: after {@link #FREE_FAILURES} failed
 * logins from one address within a minute, the answer to that address's next wrong attempt is
 * held back (the hold doubles per further failure, up to 30 s); right attempts are never held
 * ({@link LoginGate} applies it). One per process, shared by every port, so a guesser is slowed
 * on all of them. Bounded memory: the oldest addresses are forgotten first.
 */
public final class AuthThrottle {
    static final int FREE_FAILURES = 5;
    static final long WINDOW_MILLIS = 60_000;
    static final long MAX_DELAY_MILLIS = 30_000;
    private static final int MAX_ADDRESSES = 4096;

    private final Clock clock;
    private final Map<InetAddress, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Deque<Long>> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    public AuthThrottle() {
        this(Clock.systemUTC());
    }

    public AuthThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Records a failed login. */
    public synchronized void failed(InetAddress address) {
        long now = clock.millis();
        Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        prune(times, now);
        times.addLast(now);
        while (times.size() > 64) {
            times.removeFirst();
        }
    }

    /** How long to hold back the answer to this address's next wrong attempt, 0 for none. */
    public synchronized long delayMillis(InetAddress address) {
        Deque<Long> times = failures.get(address);
        if (times == null) {
            return 0;
        }
        prune(times, clock.millis());
        int excess = times.size() - FREE_FAILURES;
        if (excess < 0) {
            return 0;
        }
        return Math.min(MAX_DELAY_MILLIS, 1000L << Math.min(excess, 15));
    }

    private static void prune(Deque<Long> times, long now) {
        for (Iterator<Long> it = times.iterator(); it.hasNext(); ) {
            if (now - it.next() > WINDOW_MILLIS) {
                it.remove();
            } else {
                break;
            }
        }
    }
}
