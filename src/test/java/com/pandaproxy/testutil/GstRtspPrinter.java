package com.pandaproxy.testutil;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * "The printer" played by an RTSPS server nobody on the team wrote: GStreamer's GstRtspServer
 * driven by src/test/resources/gst-rtsp-server.py (python3-gi). Live H.264 (and AAC if asked) at
 * rtsps://bblp:PASSWORD@127.0.0.1:PORT/streaming/live/1, with its own self-signed certificate.
 */
public final class GstRtspPrinter implements AutoCloseable {
    public static final String PATH = "/streaming/live/1";

    private final GstRtspServerProcess server;

    private GstRtspPrinter(GstRtspServerProcess server) {
        this.server = server;
    }

    /** Starts the server on a free loopback port; {@code digest} picks Digest instead of Basic auth. */
    public static GstRtspPrinter start(Path workDir, String password, boolean digest) {
        return start(workDir, password, digest, false);
    }

    /** Like {@link #start(Path, String, boolean)}; {@code audio} adds an AAC track after the video. */
    public static GstRtspPrinter start(Path workDir, String password, boolean digest, boolean audio) {
        List<String> args = new ArrayList<>(List.of("--password", password, "--auth", digest ? "digest" : "basic"));
        if (audio) {
            args.add("--audio");
        }
        return new GstRtspPrinter(GstRtspServerProcess.start(workDir, args, true));
    }

    public int port() {
        return server.port();
    }

    /** The printer URL with credentials, as a client would use it. */
    public String url(String password) {
        return "rtsps://bblp:" + password + "@127.0.0.1:" + port() + PATH;
    }

    @Override
    public void close() {
        server.close();
    }
}
