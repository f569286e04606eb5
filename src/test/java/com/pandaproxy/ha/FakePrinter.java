package com.pandaproxy.ha;

import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterControl;
import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.tls.PrinterTrust;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A printer for the MQTT tests: a real {@link StatusBoard} the test drives, and commands
 * that behave like the lifecycle's (reconnect drops the stream and brings it back shortly).
 */
public final class FakePrinter implements PrinterControl, AutoCloseable {
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};

    public final StatusBoard board;
    private final PrinterTrust trust;
    final AtomicInteger reconnects = new AtomicInteger();
    final AtomicInteger redetects = new AtomicInteger();
    final AtomicInteger certificatesTrusted = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    public FakePrinter(CameraType type) {
        this(type, PrinterTrust.off());
    }

    /** With {@code trust} deciding on certificates (the test presents them) and reporting to the board. */
    public FakePrinter(CameraType type, PrinterTrust trust) {
        board = new StatusBoard(type);
        board.state(UpstreamState.STREAMING);
        this.trust = trust;
        board.certificate(trust.status());
        trust.addListener(board::certificate);
    }

    @Override
    public PrinterStatus status() {
        return board.snapshot();
    }

    @Override
    public void addListener(Consumer<PrinterStatus> listener) {
        board.addListener(listener);
    }

    @Override
    public void reconnect() {
        reconnects.incrementAndGet();
        board.state(UpstreamState.CONNECTING);
        timer.schedule(() -> board.state(UpstreamState.STREAMING), 300, TimeUnit.MILLISECONDS);
    }

    @Override
    public void redetect() {
        redetects.incrementAndGet();
    }

    @Override
    public void trustNewCertificate() {
        certificatesTrusted.incrementAndGet();
        trust.trustNewCertificate();
    }

    @Override
    public Optional<byte[]> latestJpeg() {
        return status().cameraType() == CameraType.CHAMBER ? Optional.of(JPEG.clone()) : Optional.empty();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
