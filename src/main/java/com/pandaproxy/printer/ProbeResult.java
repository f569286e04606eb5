package com.pandaproxy.printer;

/**
 * What one probe of one printer port found.
 *
 * @param outcome what kind of answer came back
 * @param detail  a short human explanation (never containing a secret), e.g. "connection refused"
 */
public record ProbeResult(Outcome outcome, String detail) {

    public enum Outcome {
        /** The port speaks the expected camera protocol. */
        FOUND,
        /** Nothing answered: connection refused, timed out, no route. */
        UNREACHABLE,
        /** TLS and the login went through, then the printer hung up without a byte. */
        REJECTED,
        /** Something answered, but not TLS or not the expected protocol. */
        MISMATCH,
        /** Its certificate was refused (--printer-trust), or not connected to since one was: nothing sent. */
        UNTRUSTED
    }

    public static ProbeResult found(String detail) {
        return new ProbeResult(Outcome.FOUND, detail);
    }

    public static ProbeResult unreachable(String detail) {
        return new ProbeResult(Outcome.UNREACHABLE, detail);
    }

    public static ProbeResult rejected(String detail) {
        return new ProbeResult(Outcome.REJECTED, detail);
    }

    public static ProbeResult mismatch(String detail) {
        return new ProbeResult(Outcome.MISMATCH, detail);
    }

    public static ProbeResult untrusted(String detail) {
        return new ProbeResult(Outcome.UNTRUSTED, detail);
    }

    public boolean found() {
        return outcome == Outcome.FOUND;
    }
}
