package com.pandaproxy.printer;

import com.pandaproxy.chamber.ChamberProbe;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.rtsp.RtspProbe;
import com.pandaproxy.tls.PrinterTrust;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Proxy contexts for printer tests: a printer on loopback at the given ports. */
final class Contexts {
    private Contexts() {
    }

    static ProxyContext of(EventLoopGroup group, Path dataDir, String accessCode, int printerChamberPort,
            int printerRtspPort) throws Exception {
        return of(group, dataDir, accessCode, printerChamberPort, printerRtspPort, PrinterTrust.off());
    }

    /** With the printer's certificate checked by {@code trust}. */
    static ProxyContext of(EventLoopGroup group, Path dataDir, String accessCode, int printerChamberPort,
            int printerRtspPort, PrinterTrust trust) throws Exception {
        PrinterAddress printer = new PrinterAddress("127.0.0.1", printerChamberPort, printerRtspPort, new Secret(accessCode));
        Tls tls = new Tls(Tls.defaultProvider(), CompletableFuture.completedFuture(ServerCertificate.loadOrCreate(dataDir, "127.0.0.1")), trust);
        return new ProxyContext(printer, tls, group, new StatusBoard(CameraType.UNKNOWN), new AuthThrottle());
    }

    /** Detection with the real probes, the type remembered in {@code dataDir}; {@code fixed} null: detect. */
    static DetectionSettings detection(CameraType fixed, Path dataDir) {
        return new DetectionSettings(fixed, dataDir, ChamberProbe.PROBE, RtspProbe.PROBE);
    }
}
