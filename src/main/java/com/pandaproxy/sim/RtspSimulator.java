package com.pandaproxy.sim;

/** Placeholder: the RTSPS simulator (issue: RTSP relay). */
public final class RtspSimulator implements SimulatedPrinter {
    /** Starts on loopback; {@code port} 0 picks a free port. */
    public static RtspSimulator start(int port, String accessCode) {
        throw new UnsupportedOperationException("RTSP simulator not built yet");
    }

    @Override
    public int port() {
        return 0;
    }

    @Override
    public void close() {
    }
}
