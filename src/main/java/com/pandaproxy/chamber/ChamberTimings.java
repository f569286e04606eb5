package com.pandaproxy.chamber;

import java.time.Duration;

/**
 * Time limits of the chamber proxy. {@link #DEFAULT} is what the product uses; tests shorten
 * some of them so they need not wait for the real values.
 *
 * @param login       a client's time to finish TLS and send its 80-byte login
 * @param connect     TCP connect timeout towards the printer
 * @param watchdog    no complete frame from the printer for this long means reconnect
 * @param backoffMin  first delay before connecting again
 * @param backoffMax  longest delay before connecting again
 * @param joinMaxAge  a joining client gets the last frame at once only if it is at most this old
 */
public record ChamberTimings(
        Duration login,
        Duration connect,
        Duration watchdog,
        Duration backoffMin,
        Duration backoffMax,
        Duration joinMaxAge) {

    public static final ChamberTimings DEFAULT = new ChamberTimings(Duration.ofSeconds(10), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(3));

    public ChamberTimings withLogin(Duration value) {
        return new ChamberTimings(value, connect, watchdog, backoffMin, backoffMax, joinMaxAge);
    }

    public ChamberTimings withWatchdog(Duration value) {
        return new ChamberTimings(login, connect, value, backoffMin, backoffMax, joinMaxAge);
    }

    public ChamberTimings withBackoff(Duration min, Duration max) {
        return new ChamberTimings(login, connect, watchdog, min, max, joinMaxAge);
    }
}
