package com.pandaproxy.app;

import java.util.Locale;

/** What the proxy serves (--services): the printer's camera, its MQTT, or both. */
public enum Service {
    /** The camera proxy: chamber image on --chamber-port, RTSP/RTSPS on --rtsp-port. */
    CAMERA,
    /** The printer's MQTT relayed on --mqtt-relay-port. */
    MQTT;

    /** The name on the command line, e.g. {@code mqtt}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
