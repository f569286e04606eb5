package com.pandaproxy.rtsp;

import java.util.Locale;
import java.util.Map;

/** The {@code name=value;name;…} lists of RTSP Transport headers and SDP fmtp attributes. */
final class Parameters {
    private Parameters() {
    }

    /** Adds one {@code name=value} or bare {@code name} (value "") to {@code into}, name in lower case; blank items are skipped. */
    static void add(Map<String, String> into, String item) {
        String p = item.trim();
        if (p.isEmpty()) {
            return;
        }
        int eq = p.indexOf('=');
        if (eq < 0) {
            into.put(p.toLowerCase(Locale.ROOT), "");
        } else {
            into.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), p.substring(eq + 1).trim());
        }
    }
}
