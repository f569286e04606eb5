package com.pandaproxy.rtsp;

import java.util.Locale;

/** {@code Range} header values in normal play time (RFC 2326 §3.6). */
public final class NptRange {
    /** A live stream: from now, open-ended. */
    public static final String LIVE = "npt=now-";

    private NptRange() {
    }

    /** Open-ended range from {@code seconds}, e.g. "npt=0.000-". */
    public static String from(double seconds) {
        return String.format(Locale.ROOT, "npt=%.3f-", seconds);
    }
}
