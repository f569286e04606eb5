package com.pandaproxy.printer;

/** What every BambuLab printer's LAN services have in common: the facts the proxy's connections rely on. */
public final class Bambu {
    /** The user name on every camera protocol and MQTT (the password is the printer's access code). */
    public static final String USER = "bblp";
    /** The chamber-image camera (A1, P1): TLS, an 80-byte login, then JPEG frames. */
    public static final int CHAMBER_PORT = 6000;
    /** The RTSPS camera (X1, H2, P2). */
    public static final int RTSP_PORT = 322;
    /** MQTT over TLS: reports and commands. */
    public static final int MQTT_PORT = 8883;
    /** The RTSPS camera's one stream. */
    public static final String STREAM_PATH = "/streaming/live/1";

    private Bambu() {
    }
}
