package com.pandaproxy.printer;

import com.pandaproxy.net.Errors;
import com.pandaproxy.tls.PrinterTrust;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Finds out which camera protocol the printer speaks by probing both ports at once: the chamber-image
 * port with the 80-byte login (a frame header back means chamber image; a hang-up means the access
 * code was rejected) and the RTSPS port with an OPTIONS request (a status line back means RTSP).
 */
public final class CameraDetector {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final EventLoopGroup group;
    private final SslContext ssl;
    private final PrinterTrust trust;
    private final PrinterAddress printer;
    private final Probe chamber;
    private final Probe rtsp;
    private final Duration timeout;

    /** With each protocol's {@link Probe} ({@code chamber.ChamberProbe.PROBE}, {@code rtsp.RtspProbe.PROBE}). */
    public CameraDetector(ProxyContext context, Probe chamber, Probe rtsp, Duration timeout) {
        this.group = context.group();
        this.ssl = context.tls().client();
        this.trust = context.tls().trust();
        this.printer = context.printer();
        this.chamber = chamber;
        this.rtsp = rtsp;
        this.timeout = timeout;
    }

    /** Probes both ports at once, closing every connection; see {@link #detect(boolean)}. */
    public CompletableFuture<Detection> detect() {
        return detect(false);
    }

    /**
     * Probes both ports at once; never completes exceptionally. A chamber-image answer settles it
     * without waiting for the RTSP probe (which may be waiting for a filtered port to time out).
     *
     * @param keepChamber keep a chamber-image connection that was found open, in
     *                    {@link Detection#chamberConnection()}, for the proxy to adopt
     */
    public CompletableFuture<Detection> detect(boolean keepChamber) {
        AtomicReference<ChamberConnection> kept = new AtomicReference<>();
        CompletableFuture<ProbeResult> chamber = probe(CameraType.CHAMBER, keepChamber ? kept::set : null);
        CompletableFuture<ProbeResult> rtsp = probe(CameraType.RTSP);
        CompletableFuture<Detection> result = new CompletableFuture<>();
        chamber.thenAccept(c -> {
            if (c.found()) {
                result.complete(detection(c, rtsp.getNow(ProbeResult.mismatch("not waited for")), kept.get()));
            }
        });
        chamber.thenCombine(rtsp, (c, r) -> detection(c, r, kept.get())).thenAccept(result::complete);
        return result;
    }

    private Detection detection(ProbeResult chamber, ProbeResult rtsp, ChamberConnection connection) {
        return new Detection(printer.host(), printer.chamberPort(), chamber, printer.rtspPort(), rtsp, connection);
    }

    /** Probes one port, closing the connection; never completes exceptionally. */
    public CompletableFuture<ProbeResult> probe(CameraType type) {
        return probe(type, null);
    }

    private CompletableFuture<ProbeResult> probe(CameraType type, Consumer<ChamberConnection> keeper) {
        if (!trust.mayConnect()) {
            return CompletableFuture.completedFuture(ProbeResult.untrusted(
                    "not connecting: the printer's certificate changed (see the log, or trust the new one)"));
        }
        Probe probe = switch (type) {
            case CHAMBER -> chamber;
            case RTSP -> rtsp;
            case UNKNOWN -> throw new IllegalArgumentException("no port to probe for an unknown camera type");
        };
        return PortProbe.run(group, ssl, printer, probe, timeout, keeper)
                .exceptionally(e -> ProbeResult.mismatch(Errors.describe(e)));
    }
}
