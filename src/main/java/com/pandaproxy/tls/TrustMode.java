package com.pandaproxy.tls;

import java.util.Locale;

/** How the proxy decides to trust the printer's certificate ({@code --printer-trust}); see {@link PrinterTrust}. */
public enum TrustMode {
    /** The chain must lead to a BambuLab CA and name the printer's serial. */
    BAMBU,
    /** Trust on first use: the first certificate seen is the only one accepted afterwards. */
    PIN,
    /** {@link #BAMBU} when the chain verifies, else {@link #PIN}. */
    AUTO,
    /** Any certificate (no protection against another device at the printer's address). */
    OFF;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code text} (any case), or null. */
    public static TrustMode parse(String text) {
        for (TrustMode m : values()) {
            if (m.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        return null;
    }
}
