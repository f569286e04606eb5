package com.pandaproxy.printer;

/**
 * One connection to a printer service, kept up (reconnecting with backoff) from {@link #start}
 * until {@link #close}: an {@link UpstreamLifecycle}, or a test's stand-in.
 */
public interface Upstream extends AutoCloseable {
    /** Starts connecting (returns at once). */
    void start();

    /** Drops the connection and connects again at once, without backoff. */
    void reconnect();

    /** Says goodbye, stops reconnecting; returns within about a second. */
    @Override
    void close();
}
