package com.pandaproxy.printer;

import java.util.Locale;

/** What the single upstream connection to the printer's camera is doing. */
public enum UpstreamState {
    DETECTING,
    CONNECTING,
    STREAMING,
    BACKING_OFF,
    /** The printer refused the access code; retried with backoff. */
    AUTH_REJECTED,
    STOPPED;

    /** Lower-case text used in logs and MQTT states, e.g. {@code backing_off}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
