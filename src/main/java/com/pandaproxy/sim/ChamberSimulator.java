package com.pandaproxy.sim;

/** Placeholder: the chamber-image simulator (issue: chamber-image proxy). */
public final class ChamberSimulator implements SimulatedPrinter {
    /** Starts on loopback; {@code port} 0 picks a free port. */
    public static ChamberSimulator start(int port, String accessCode) {
        throw new UnsupportedOperationException("chamber simulator not built yet");
    }

    @Override
    public int port() {
        return 0;
    }

    @Override
    public void close() {
    }
}
