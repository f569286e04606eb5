package com.pandaproxy.printer;

/**
 * What one detection round found on the printer's two camera ports.
 *
 * @param host        the printer's address
 * @param chamberPort the printer's chamber-image port and what probing it found
 * @param rtspPort    the printer's RTSPS port and what probing it found
 * @param chamberConnection the chamber probe's live connection when it was asked to be kept and
 *                    chamber image was found, else null: whoever gets this adopts it or closes it
 */
public record Detection(String host, int chamberPort, ProbeResult chamber, int rtspPort, ProbeResult rtsp,
                        ChamberConnection chamberConnection) {

    /** Chamber image wins when both answer, as in BambuLab's own tools. */
    public CameraType type() {
        if (chamber.found()) {
            return CameraType.CHAMBER;
        }
        return rtsp.found() ? CameraType.RTSP : CameraType.UNKNOWN;
    }

    public boolean bothFound() {
        return chamber.found() && rtsp.found();
    }

    /** The printer took the TLS connection and the login, then hung up: a wrong access code. */
    public boolean rejected() {
        return type() == CameraType.UNKNOWN
                && (chamber.outcome() == ProbeResult.Outcome.REJECTED || rtsp.outcome() == ProbeResult.Outcome.REJECTED);
    }

    /** A port's certificate was refused (--printer-trust): the printer's, or whatever answered, was not trusted. */
    public boolean untrusted() {
        return type() == CameraType.UNKNOWN
                && (chamber.outcome() == ProbeResult.Outcome.UNTRUSTED || rtsp.outcome() == ProbeResult.Outcome.UNTRUSTED);
    }

    public boolean unreachable() {
        return chamber.outcome() == ProbeResult.Outcome.UNREACHABLE && rtsp.outcome() == ProbeResult.Outcome.UNREACHABLE;
    }

    /** One sentence for logs and the status's last error; never contains a secret. */
    public String summary() {
        String ports = "chamber image port " + chamberPort + ": " + chamber.detail()
                + "; RTSP port " + rtspPort + ": " + rtsp.detail();
        return switch (type()) {
            case CHAMBER -> "chamber image camera on " + host + ":" + chamberPort
                    + (bothFound() ? " (RTSP port " + rtspPort + " answers too; using chamber image)" : "");
            case RTSP -> "RTSP camera on " + host + ":" + rtspPort;
            case UNKNOWN -> untrusted() ? "the certificate at " + host + " is not trusted, so no access code was sent (" + ports + ")"
                    : rejected() ? "the printer rejected the access code (" + ports + ")"
                    : unreachable() ? "printer " + host + " unreachable (" + ports + ")"
                    : "no camera protocol recognised on " + host + " (" + ports + ")";
        };
    }
}
