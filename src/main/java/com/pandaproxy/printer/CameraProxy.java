package com.pandaproxy.printer;

import java.util.Optional;

/**
 * A running proxy for one camera protocol: the client-facing server plus the one upstream
 * connection to the printer. Made by the printer lifecycle, which owns its start and close.
 */
public interface CameraProxy extends AutoCloseable {
    /** Binds the client-facing port and starts connecting to the printer (not waiting for it). */
    void start() throws Exception;

    /** Drops the upstream connection and connects again at once, without backoff. Clients stay. */
    void reconnect();

    /** The most recent JPEG, for chamber proxies. */
    default Optional<byte[]> latestJpeg() {
        return Optional.empty();
    }

    /** The latest whole keyframe, for RTSP proxies. */
    default Optional<H264Keyframe> latestKeyframe() {
        return Optional.empty();
    }

    /** Attaches a viewer of JPEG pictures (chamber proxies; others have none to give). Thread-safe. */
    default void watch(PictureViewer viewer) {
    }

    /** Detaches a viewer attached with {@link #watch}. Thread-safe. */
    default void unwatch(PictureViewer viewer) {
    }

    /** Stops accepting, closes the clients, closes the upstream. Returns within about a second. */
    @Override
    void close();
}
