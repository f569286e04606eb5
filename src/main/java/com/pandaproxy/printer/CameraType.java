package com.pandaproxy.printer;

import java.util.Locale;

/** The printer's camera protocol. */
public enum CameraType {
    /** A1, A1 Mini, P1P, P1S: JPEG frames over TLS on port 6000. */
    CHAMBER,
    /** X1, X1C, X1E, H2C, H2D, H2D Pro, H2S, P2S: H.264 over RTSPS on port 322. */
    RTSP,
    /** Not detected (yet). */
    UNKNOWN;

    /** Lower-case name used on the command line, in MQTT states and in the data dir. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
