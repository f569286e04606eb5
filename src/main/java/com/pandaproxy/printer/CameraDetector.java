package com.pandaproxy.printer;

import com.pandaproxy.app.Config;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Finds out which camera protocol the printer speaks by probing both ports at once: the chamber-image
 * port with the 80-byte login (a frame header back means chamber image; a hang-up means the access
 * code was rejected) and the RTSPS port with an OPTIONS request (a status line back means RTSP).
 */
public final class CameraDetector {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final EventLoopGroup group;
    private final SslContext ssl;
    private final Config config;
    private final Duration timeout;

    public CameraDetector(ProxyContext context, Duration timeout) {
        this.group = context.group();
        this.ssl = context.tls().client();
        this.config = context.config();
        this.timeout = timeout;
    }

    /**
     * Probes both ports at once; never completes exceptionally. A chamber-image answer settles it
     * without waiting for the RTSP probe (which may be waiting for a filtered port to time out).
     */
    public CompletableFuture<Detection> detect() {
        CompletableFuture<ProbeResult> chamber = probe(CameraType.CHAMBER);
        CompletableFuture<ProbeResult> rtsp = probe(CameraType.RTSP);
        CompletableFuture<Detection> result = new CompletableFuture<>();
        chamber.thenAccept(c -> {
            if (c.found()) {
                result.complete(detection(c, rtsp.getNow(ProbeResult.mismatch("not waited for"))));
            }
        });
        chamber.thenCombine(rtsp, this::detection).thenAccept(result::complete);
        return result;
    }

    private Detection detection(ProbeResult chamber, ProbeResult rtsp) {
        return new Detection(config.printerIp(), config.printerChamberPort(), chamber, config.printerRtspPort(), rtsp);
    }

    /** Probes one port; never completes exceptionally. */
    public CompletableFuture<ProbeResult> probe(CameraType type) {
        String host = config.printerIp();
        CompletableFuture<ProbeResult> result = switch (type) {
            case CHAMBER -> PortProbe.run(group, ssl, host, config.printerChamberPort(),
                    ChamberProbe.authPacket(Config.USERNAME, config.accessCode().reveal()), ChamberProbe::judge,
                    ProbeResult.rejected("hung up after the login"), timeout);
            case RTSP -> PortProbe.run(group, ssl, host, config.printerRtspPort(),
                    RtspProbe.options(host, config.printerRtspPort()), RtspProbe::judge,
                    ProbeResult.mismatch("closed the connection without answering"), timeout);
            case UNKNOWN -> throw new IllegalArgumentException("no port to probe for an unknown camera type");
        };
        return result.exceptionally(e -> ProbeResult.mismatch(PortProbe.describe(e)));
    }
}
