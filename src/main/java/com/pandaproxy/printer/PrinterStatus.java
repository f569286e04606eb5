package com.pandaproxy.printer;

import com.pandaproxy.tls.TrustStatus;
import java.time.Instant;

/**
 * Immutable snapshot of one printer's proxy, for MQTT, logs and tests.
 *
 * @param cameraType    detected or configured camera protocol
 * @param upstreamState state of the one connection to the printer
 * @param clients       connected, authenticated clients
 * @param frameRate     frames (chamber) or video access units (RTSP) per second over the last seconds
 * @param bitrate       upstream payload bits per second over the last seconds
 * @param lastFrame     when the last complete frame arrived from the printer, or null
 * @param reconnects    upstream connections made after the first one
 * @param lastError     last upstream error, never containing a secret, or null
 * @param badFrames     frames from the printer dropped because they were malformed (e.g. not a JPEG)
 * @param certificate   what is known of the printer's TLS certificate (--printer-trust)
 * @param relay         the MQTT relay's connection to the printer and its clients, or null when it is off
 */
public record PrinterStatus(
        CameraType cameraType,
        UpstreamState upstreamState,
        int clients,
        double frameRate,
        long bitrate,
        Instant lastFrame,
        long reconnects,
        String lastError,
        long badFrames,
        TrustStatus certificate,
        RelayStatus relay) {

    /**
     * The MQTT relay's part.
     *
     * @param upstreamState state of its one connection to the printer's MQTT
     * @param clients       its connected, authenticated clients
     */
    public record RelayStatus(UpstreamState upstreamState, int clients) {
        public static final RelayStatus STARTING = new RelayStatus(UpstreamState.CONNECTING, 0);

        public boolean connected() {
            return upstreamState == UpstreamState.STREAMING;
        }
    }

    /** A status without the MQTT relay. */
    public PrinterStatus(CameraType cameraType, UpstreamState upstreamState, int clients, double frameRate, long bitrate,
            Instant lastFrame, long reconnects, String lastError, long badFrames) {
        this(cameraType, upstreamState, clients, frameRate, bitrate, lastFrame, reconnects, lastError, badFrames, TrustStatus.UNKNOWN, null);
    }

    /** A status without the MQTT relay, with what is known of the certificate. */
    public PrinterStatus(CameraType cameraType, UpstreamState upstreamState, int clients, double frameRate, long bitrate,
            Instant lastFrame, long reconnects, String lastError, long badFrames, TrustStatus certificate) {
        this(cameraType, upstreamState, clients, frameRate, bitrate, lastFrame, reconnects, lastError, badFrames, certificate, null);
    }

    /** A status without dropped frames and with nothing known of the certificate. */
    public PrinterStatus(CameraType cameraType, UpstreamState upstreamState, int clients, double frameRate, long bitrate,
            Instant lastFrame, long reconnects, String lastError) {
        this(cameraType, upstreamState, clients, frameRate, bitrate, lastFrame, reconnects, lastError, 0, TrustStatus.UNKNOWN);
    }

    public static PrinterStatus initial(CameraType type) {
        return new PrinterStatus(type, UpstreamState.DETECTING, 0, 0, 0, null, 0, null);
    }

    public boolean streaming() {
        return upstreamState == UpstreamState.STREAMING;
    }
}
