package com.pandaproxy.printer;

import java.util.Optional;
import java.util.function.Consumer;

/** What the rest of the program (MQTT, tests) sees of one printer: its status and its commands. */
public interface PrinterControl {
    PrinterStatus status();

    /** Called (on some internal thread, must not block) whenever the status changes. */
    void addListener(Consumer<PrinterStatus> listener);

    /** Drop the upstream connection and connect again at once, without backoff. */
    void reconnect();

    /** Probe the printer again and switch proxy if the camera type changed. */
    void redetect();

    /**
     * Trust the printer certificate that was refused as changed from now on, and connect again
     * (the user's decision: Home Assistant's button).
     */
    void trustNewCertificate();

    /** The most recent JPEG (chamber printers only), as bytes the caller owns. */
    Optional<byte[]> latestJpeg();
}
