package com.pandaproxy.rtsp.auth;

import java.util.HashMap;
import java.util.Map;

/**
 * The highest nonce count ({@code nc}) accepted for each Digest nonce, so that a request seen
 * before (a replay, or a client repeating a count) is refused: RFC 7616 §3.4 has nc increase with
 * every request under one nonce. Only nonces that came with right credentials are kept, at most
 * {@code max} of them, so strangers cannot grow it. When it is full the nonces issued earliest are
 * forgotten, and from then on every nonce issued no later than those counts as used up (its
 * count can no longer be checked). Thread-safe.
 */
final class NonceCounts {
    private record Entry(long issued, long nc) {
    }

    private final int max;
    private final Map<String, Entry> counts = new HashMap<>();
    private long forgottenUpTo = Long.MIN_VALUE;

    NonceCounts(int max) {
        this.max = max;
    }

    /**
     * Records {@code nc} for {@code nonce} (issued at {@code issued} millis) if it is higher than
     * any count seen for it; returns false if it is not, or if the nonce was forgotten.
     * Entries issued before {@code expiredBefore} are dropped when room is needed.
     */
    synchronized boolean accept(String nonce, long issued, long nc, long expiredBefore) {
        Entry seen = counts.get(nonce);
        if (seen != null) {
            if (nc <= seen.nc()) {
                return false;
            }
            counts.put(nonce, new Entry(issued, nc));
            return true;
        }
        if (issued <= forgottenUpTo) {
            return false;
        }
        if (counts.size() >= max) {
            makeRoom(expiredBefore);
        }
        counts.put(nonce, new Entry(issued, nc));
        return true;
    }

    synchronized int size() {
        return counts.size();
    }

    private void makeRoom(long expiredBefore) {
        counts.values().removeIf(e -> e.issued() < expiredBefore);
        if (counts.size() < max) {
            return;
        }
        long oldest = counts.values().stream().mapToLong(Entry::issued).min().orElseThrow();
        forgottenUpTo = Math.max(forgottenUpTo, oldest);
        long floor = forgottenUpTo;
        counts.values().removeIf(e -> e.issued() <= floor);
    }
}
