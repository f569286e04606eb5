package com.pandaproxy.rtsp;

import com.pandaproxy.printer.ProxyContext;
import io.netty.channel.EventLoop;

/**
 * The one connection to the printer's RTSPS stream, kept up (reconnecting with backoff) from
 * {@link #start} until {@link #close}, reporting to its {@link UpstreamListener} and its upstream
 * state (and errors, never containing a secret) to the {@link ProxyContext#status()} board. Frame,
 * byte and client counts are reported by the relay, not by the upstream.
 *
 * <p>The implementation is {@link RtspUpstream} ({@code RtspUpstream::new} is {@code RtspProxy}'s
 * {@link Factory}).
 */
public interface Upstream extends AutoCloseable {
    /** Starts connecting (returns at once). */
    void start();

    /** Drops the current session and connects again at once, without backoff. */
    void reconnect();

    /** TEARDOWN (best effort), closes, stops reconnecting; returns within about a second. */
    @Override
    void close();

    /** Makes the upstream. Its channels must use {@code loop}, and it calls {@code listener} only there. */
    @FunctionalInterface
    interface Factory {
        Upstream create(ProxyContext context, EventLoop loop, UpstreamListener listener);
    }
}
