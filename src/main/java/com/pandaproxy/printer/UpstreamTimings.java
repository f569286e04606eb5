package com.pandaproxy.printer;

import java.time.Duration;

/**
 * The time limits of one {@link UpstreamLifecycle}. The constants are what the product uses;
 * tests shorten some of them so they need not wait for the real values.
 *
 * @param connect    TCP connect timeout towards the printer
 * @param handshake  TLS handshake timeout
 * @param watchdog   nothing alive for this long (once watched) means reconnect
 * @param backoffMin first delay before connecting again
 * @param backoffMax longest delay before connecting again
 * @param leave      a polite goodbye (reconnect, close) waits this long at most for the printer's close
 * @param closeWait  {@link UpstreamLifecycle#close()} returns after this at the latest
 */
public record UpstreamTimings(
        Duration connect,
        Duration handshake,
        Duration watchdog,
        Duration backoffMin,
        Duration backoffMax,
        Duration leave,
        Duration closeWait) {

    /** Chamber image: the watchdog runs from the connect (TLS, login and the first frame within 10 s). */
    public static final UpstreamTimings CHAMBER = new UpstreamTimings(Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofMillis(500));
    /** RTSPS: the watchdog runs from PLAY; before it each request has its own time limit. */
    public static final UpstreamTimings RTSP = new UpstreamTimings(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(1));

    /**
     * The printer's MQTT: the watchdog runs from the connect (TLS, login and subscription within it);
     * a report resets it; silent that long, the printer is asked for something once, then reconnected.
     */
    public static final UpstreamTimings MQTT = new UpstreamTimings(Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofMillis(500));

    public UpstreamTimings withWatchdog(Duration value) {
        return new UpstreamTimings(connect, handshake, value, backoffMin, backoffMax, leave, closeWait);
    }

    public UpstreamTimings withBackoff(Duration min, Duration max) {
        return new UpstreamTimings(connect, handshake, watchdog, min, max, leave, closeWait);
    }
}
