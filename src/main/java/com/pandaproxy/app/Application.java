package com.pandaproxy.app;

import com.pandaproxy.chamber.ChamberProxy;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.printer.CameraProxy;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.RtspProxy;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.sim.SimulatedPrinter;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires one running program: demo simulator (if any), TLS, event loops, the printer's proxy. */
public final class Application implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private final Config config;
    private final EventLoopGroup group;
    private final SimulatedPrinter simulator;
    private final CameraProxy proxy;
    private final StatusBoard status;

    private Application(Config config, EventLoopGroup group, SimulatedPrinter simulator, CameraProxy proxy, StatusBoard status) {
        this.config = config;
        this.group = group;
        this.simulator = simulator;
        this.proxy = proxy;
        this.status = status;
    }

    public static Application start(Config config) throws Exception {
        LOG.info("PandaProxy {} starting", Cli.version());
        SimulatedPrinter simulator = null;
        if (config.demo() != null) {
            if (config.demo().equals("rtsp")) {
                simulator = RtspSimulator.start(0, config.accessCode().reveal());
                config = config.withPrinter("127.0.0.1", config.printerChamberPort(), simulator.port());
            } else {
                simulator = ChamberSimulator.start(0, config.accessCode().reveal());
                config = config.withPrinter("127.0.0.1", simulator.port(), config.printerRtspPort());
            }
            LOG.info("Demo: simulated {} printer on 127.0.0.1:{}", config.demo(), simulator.port());
        }
        ServerCertificate identity = ServerCertificate.loadOrCreate(config.dataDir(), config.bindAddress());
        Tls tls = new Tls(identity, Tls.defaultProvider());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        CameraType type = config.camera() == CameraMode.RTSP ? CameraType.RTSP : CameraType.CHAMBER;
        StatusBoard status = new StatusBoard(type);
        ProxyContext context = new ProxyContext(config, tls, group, status, new AuthThrottle());
        CameraProxy proxy = type == CameraType.RTSP ? new RtspProxy(context) : new ChamberProxy(context);
        try {
            proxy.start();
        } catch (Exception e) {
            proxy.close();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (simulator != null) {
                simulator.close();
            }
            throw e;
        }
        if (simulator instanceof RtspSimulator && proxy instanceof RtspProxy rtsp) {
            logDemoUrls(config, rtsp.port());
        }
        return new Application(config, group, simulator, proxy, status);
    }

    /** What to open against the RTSP demo; the code is shown only when it is the built-in demo value. */
    private static void logDemoUrls(Config config, int port) {
        String code = config.accessCode().reveal().equals(Cli.DEMO_ACCESS_CODE) ? Cli.DEMO_ACCESS_CODE : "<access code>";
        String rtsp = "rtsp://" + Config.USERNAME + ":" + code + "@127.0.0.1:" + port + "/stream";
        String rtsps = "rtsps://" + Config.USERNAME + ":" + code + "@127.0.0.1:" + port + "/streaming/live/1";
        LOG.info("Demo: open the proxy's stream with");
        LOG.info("  ffplay -rtsp_transport tcp \"{}\"", rtsp);
        LOG.info("  ffplay \"{}\"   (RTSPS, the printer's own URL form)", rtsps);
        LOG.info("  vlc \"{}\"   (a VLC built with live555)", rtsp);
    }

    public Config config() {
        return config;
    }

    public StatusBoard status() {
        return status;
    }

    public CameraProxy proxy() {
        return proxy;
    }

    /** Stop accepting, close clients, close the upstream, stop the event loops: within about 2 s. */
    @Override
    public void close() {
        LOG.info("Shutting down");
        proxy.close();
        if (simulator != null) {
            simulator.close();
        }
        group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(1500);
        LOG.info("Stopped");
    }
}
