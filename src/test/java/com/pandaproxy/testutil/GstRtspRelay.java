package com.pandaproxy.testutil;

import com.pandaproxy.printer.Bambu;
import java.nio.file.Path;
import java.util.List;

/**
 * The reference the proxy is measured against: a relay of the printer built from GStreamer alone
 * (gst-rtsp-server via python3-gi, src/test/resources/gst-rtsp-server.py --relay). One media shared
 * by every client, whose pipeline is
 * {@code rtspsrc location=<printer> protocols=tcp tls-validation-flags=0 latency=0 ! rtph264depay
 * ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1}, Basic authentication (user bblp),
 * TCP and UDP clients, plain RTSP or RTSPS, at {@link Bambu#STREAM_PATH}. It connects to the
 * printer when its first client asks for the stream. rtspsrc sends {@code rtsp://} request URIs
 * even to an {@code rtsps://} printer, so the simulated printer must not redirect those
 * ({@code RtspSimulator.redirectPlainUris(false)}).
 */
public final class GstRtspRelay implements AutoCloseable {
    private final GstRtspServerProcess server;
    private final boolean tls;

    private GstRtspRelay(GstRtspServerProcess server, boolean tls) {
        this.server = server;
        this.tls = tls;
    }

    /**
     * Starts the relay on a free loopback port.
     *
     * @param printerUrl the printer's stream with credentials, e.g. rtsps://bblp:CODE@127.0.0.1:PORT/streaming/live/1
     * @param password what clients log in with (as bblp)
     * @param tls RTSPS (a fresh self-signed certificate) instead of plain RTSP
     */
    public static GstRtspRelay start(Path workDir, String printerUrl, String password, boolean tls) {
        return new GstRtspRelay(GstRtspServerProcess.start(workDir,
                List.of("--relay", printerUrl, "--password", password, "--auth", "basic"), tls), tls);
    }

    public int port() {
        return server.port();
    }

    /** The relay's process, for its CPU time and memory. */
    public long pid() {
        return server.pid();
    }

    /** The relay's stream URL, without credentials. */
    public String url() {
        return (tls ? "rtsps" : "rtsp") + "://127.0.0.1:" + port() + Bambu.STREAM_PATH;
    }

    @Override
    public void close() {
        server.close();
    }
}
