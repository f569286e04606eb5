package com.pandaproxy.printer;

import com.pandaproxy.app.CameraMode;
import com.pandaproxy.app.Config;
import com.pandaproxy.app.Secret;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;

/** Proxy contexts for printer tests: a printer on loopback at the given ports. */
final class Contexts {
    private Contexts() {
    }

    static ProxyContext of(EventLoopGroup group, Path dataDir, CameraMode mode, String accessCode,
            int printerChamberPort, int printerRtspPort) throws Exception {
        return of(group, dataDir, mode, accessCode, 0, printerChamberPort, 0, printerRtspPort);
    }

    /** With the proxy's own ports too ({@code chamberPort}, {@code rtspPort}). */
    static ProxyContext of(EventLoopGroup group, Path dataDir, CameraMode mode, String accessCode,
            int chamberPort, int printerChamberPort, int rtspPort, int printerRtspPort) throws Exception {
        Config config = new Config("127.0.0.1", new Secret(accessCode), null, "127.0.0.1", mode,
                chamberPort, printerChamberPort, rtspPort, printerRtspPort, dataDir, 8, null, false);
        Tls tls = new Tls(ServerCertificate.loadOrCreate(dataDir, "127.0.0.1"), Tls.defaultProvider());
        return new ProxyContext(config, tls, group, new StatusBoard(CameraType.UNKNOWN), new AuthThrottle());
    }
}
