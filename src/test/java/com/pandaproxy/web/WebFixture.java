package com.pandaproxy.web;

import com.pandaproxy.chamber.ChamberProbe;
import com.pandaproxy.chamber.ChamberProxy;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.DetectionSettings;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.UpstreamTimings;
import com.pandaproxy.rtsp.RtspProbe;
import com.pandaproxy.printer.Printer;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.RtspProxy;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.sim.SimulatedPrinter;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/** A simulated printer, the proxy in front of it (chamber image or RTSP) and the web server, on loopback. */
final class WebFixture implements AutoCloseable {
    static final String CODE = "24681357";
    static final String USER = Bambu.USER;

    final SimulatedPrinter sim;
    final StatusBoard board = new StatusBoard(CameraType.UNKNOWN);
    final Printer printer;
    final WebServer web;
    final ProxyContext context;
    /** The proxy's own camera ports. */
    final int chamberPort = FreePort.get();
    final int rtspPort = FreePort.get();

    private WebFixture(SimulatedPrinter sim, CameraType type, EventLoopGroup group, Path dir, Set<InetAddress> ingress,
            Duration requestTimeout, int maxViewers) throws Exception {
        this.sim = sim;
        boolean chamber = type == CameraType.CHAMBER;
        PrinterAddress printerAddress = new PrinterAddress("127.0.0.1", chamber ? sim.port() : 1, chamber ? 1 : sim.port(),
                new Secret(CODE));
        Tls tls = new Tls(ServerCertificate.loadOrCreate(dir, "127.0.0.1"), Tls.defaultProvider());
        AuthThrottle throttle = new AuthThrottle();
        this.context = new ProxyContext(printerAddress, tls, group, board, throttle);
        UpstreamTimings timings = UpstreamTimings.CHAMBER.withBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
        ChamberProxy.Settings chamberSettings = new ChamberProxy.Settings("127.0.0.1", chamberPort, 64, ChamberProxy.LOGIN_LIMIT);
        RtspProxy.Settings rtspSettings = new RtspProxy.Settings("127.0.0.1", rtspPort, 64);
        this.printer = new Printer(context, new DetectionSettings(type, dir, ChamberProbe.PROBE, RtspProbe.PROBE),
                (t, connection) -> t == CameraType.CHAMBER ? new ChamberProxy(context, chamberSettings, timings, connection)
                        : new RtspProxy(context, rtspSettings), Printer.Settings.DEFAULT);
        printer.start();
        this.web = new WebServer(new WebSettings("127.0.0.1", 0, new BasicAuth(USER, CODE), ingress, maxViewers, chamberPort, rtspPort,
                0, requestTimeout), group, new PrinterCamera(printer, board), throttle);
        web.start();
    }

    /** A chamber-image printer at {@code fps} (320×240 pictures) behind the proxy. */
    static WebFixture chamber(EventLoopGroup group, Path dir, double fps, Set<InetAddress> ingress) throws Exception {
        return new WebFixture(ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(fps, 320, 240, 8)),
                CameraType.CHAMBER, group, dir, ingress, WebSettings.REQUEST_TIMEOUT, 64);
    }

    static WebFixture chamber(EventLoopGroup group, Path dir, double fps, Duration requestTimeout, int maxViewers) throws Exception {
        return new WebFixture(ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(fps, 320, 240, 8)),
                CameraType.CHAMBER, group, dir, Set.of(), requestTimeout, maxViewers);
    }

    /** The RTSP demo's simulated printer (the looped H.264 clip) behind the proxy. */
    static WebFixture rtsp(EventLoopGroup group, Path dir) throws Exception {
        return new WebFixture(RtspSimulator.start(0, CODE), CameraType.RTSP, group, dir, Set.of(), WebSettings.REQUEST_TIMEOUT, 64);
    }

    String url(String path) {
        return "http://127.0.0.1:" + web.port() + path;
    }

    static String authorization(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String authorization() {
        return authorization(USER, CODE);
    }

    @Override
    public void close() {
        web.close();
        printer.close();
        sim.close();
    }
}
