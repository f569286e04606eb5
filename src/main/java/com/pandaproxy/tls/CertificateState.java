package com.pandaproxy.tls;

import java.util.Locale;

/** What the proxy knows of the printer's certificate, for the status board and Home Assistant. */
public enum CertificateState {
    /** No connection checked yet and nothing pinned. */
    UNKNOWN,
    /** Signed by a BambuLab CA (or one given with --printer-ca) for the printer's serial. */
    VERIFIED,
    /** Not verified, but the one first seen at the printer's address (trust on first use). */
    PINNED,
    /** A different certificate than the pinned one: not connecting until the user decides. */
    CHANGED,
    /** Refused by {@code --printer-trust bambu} (not signed by a known CA, or for another serial). */
    REFUSED,
    /** Not checked: {@code --printer-trust off}. */
    OFF;

    /** Lower-case text used in logs and MQTT states. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
