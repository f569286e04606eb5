package com.pandaproxy.app;

import com.pandaproxy.chamber.ChamberProbe;
import com.pandaproxy.chamber.ChamberProxy;
import com.pandaproxy.ha.HomeAssistantBridge;
import com.pandaproxy.mqtt.MqttRelay;
import com.pandaproxy.mqtt.MqttRelaySettings;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Version;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.DetectionSettings;
import com.pandaproxy.printer.Printer;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.PrinterControl;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.printer.UpstreamTimings;
import com.pandaproxy.rtsp.RtspProbe;
import com.pandaproxy.rtsp.RtspProxy;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.sim.MqttPrinterSimulator;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.sim.SimulatedPrinter;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires one running program: demo simulators (if any), TLS, event loops, the printer (detection and its camera proxy), the MQTT relay. */
public final class Application implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private final EventLoopGroup group;
    private final SimulatedPrinter simulator;
    private final MqttPrinterSimulator mqttSimulator; // the demo's printer MQTT, or null
    private final Printer printer;
    private final MqttRelay relay; // null when --services leaves out mqtt
    private final StatusBoard status;
    private HomeAssistantBridge mqtt; // null when MQTT is off

    private Application(EventLoopGroup group, SimulatedPrinter simulator, MqttPrinterSimulator mqttSimulator, Printer printer,
            MqttRelay relay, StatusBoard status) {
        this.group = group;
        this.simulator = simulator;
        this.mqttSimulator = mqttSimulator;
        this.printer = printer;
        this.relay = relay;
        this.status = status;
    }

    public static Application start(Config config) throws Exception {
        LOG.info("PandaProxy {} starting", Version.current());
        SimulatedPrinter simulator = null;
        PrinterAddress printerAddress = new PrinterAddress(config.printerIp(), config.printerChamberPort(),
                config.printerRtspPort(), config.accessCode());
        if (config.demo() != null) {
            boolean rtsp = config.demo().equals("rtsp");
            simulator = rtsp ? RtspSimulator.start(0, config.accessCode().reveal()) : ChamberSimulator.start(0, config.accessCode().reveal());
            printerAddress = new PrinterAddress("127.0.0.1", rtsp ? config.printerChamberPort() : simulator.port(),
                    rtsp ? simulator.port() : config.printerRtspPort(), config.accessCode());
            LOG.info("Demo: simulated {} printer on 127.0.0.1:{}", config.demo(), simulator.port());
        }
        MqttPrinterSimulator mqttSimulator = null;
        int printerMqttPort = config.printerMqttPort();
        if (config.demo() != null && config.serves(Service.MQTT)) {
            // an X1 names its RTSPS stream in its reports (the relay points it at the proxy); a P1 says "disable"
            String rtspUrl = config.demo().equals("rtsp") ? "rtsps://127.0.0.1:" + simulator.port() + Bambu.STREAM_PATH : "disable";
            MqttPrinterSimulator.Options options = MqttPrinterSimulator.Options.DEFAULT.withRtspUrl(rtspUrl);
            mqttSimulator = MqttPrinterSimulator.start(0, config.accessCode().reveal(),
                    config.serial() == null ? options : options.withSerial(config.serial()));
            printerMqttPort = mqttSimulator.port();
            LOG.info("Demo: simulated printer MQTT on 127.0.0.1:{} (a P1 printing)", printerMqttPort);
        }
        // loading the native TLS engine and reading (or making) the certificate take a few hundred
        // ms each: both run in parallel, and the printer is contacted before the certificate is ready
        CompletableFuture<SslProvider> provider = CompletableFuture.supplyAsync(Tls::defaultProvider);
        CompletableFuture<ServerCertificate> identity = CompletableFuture.supplyAsync(() -> {
            try {
                return ServerCertificate.loadOrCreate(config.dataDir(), config.bindAddress());
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
        Tls tls = new Tls(provider.join(), identity);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        StatusBoard status = new StatusBoard(CameraType.UNKNOWN);
        ProxyContext context = new ProxyContext(printerAddress, tls, group, status, new AuthThrottle());
        ChamberProxy.Settings chamber = new ChamberProxy.Settings(config.bindAddress(), config.chamberPort(),
                config.maxClients(), ChamberProxy.LOGIN_LIMIT);
        RtspProxy.Settings rtsp = new RtspProxy.Settings(config.bindAddress(), config.rtspPort(), config.maxClients());
        CameraType fixed = config.camera() == CameraMode.AUTO ? null : CameraType.valueOf(config.camera().name());
        DetectionSettings detection = new DetectionSettings(fixed, config.dataDir(), ChamberProbe.PROBE, RtspProbe.PROBE);
        Printer printer = new Printer(context, detection, (type, connection) -> type == CameraType.RTSP
                ? new RtspProxy(context, rtsp)
                : new ChamberProxy(context, chamber, UpstreamTimings.CHAMBER, connection), Printer.Settings.DEFAULT);
        MqttRelay relay = null;
        try {
            if (config.serves(Service.CAMERA)) {
                printer.start();
            } else {
                status.state(UpstreamState.STOPPED); // no camera served: nothing to connect to
            }
            tls.server(); // a certificate that cannot be read stops the start
            if (config.serves(Service.MQTT)) {
                relay = new MqttRelay(context, new MqttRelaySettings(config.bindAddress(), config.mqttRelayPort(), printerMqttPort,
                        config.serial(), config.maxClients(), config.serves(Service.CAMERA) ? config.rtspPort() : 0,
                        MqttRelaySettings.LOGIN_LIMIT, MqttRelaySettings.PUSHALL_INTERVAL), UpstreamTimings.MQTT);
                relay.start();
            }
        } catch (Exception e) {
            if (relay != null) {
                relay.close();
            }
            printer.close();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (simulator != null) {
                simulator.close();
            }
            if (mqttSimulator != null) {
                mqttSimulator.close();
            }
            throw e;
        }
        boolean cameraDemo = config.demo() != null && config.serves(Service.CAMERA);
        if (cameraDemo && config.camera() == CameraMode.CHAMBER) {
            // the default demo code is a sample value and may be shown; a code the user chose is not
            String code = config.accessCode().reveal().equals(SimulatedPrinter.DEMO_ACCESS_CODE)
                    ? SimulatedPrinter.DEMO_ACCESS_CODE : "(the one given with --access-code)";
            LOG.info("Demo ready: connect a chamber-image client to 127.0.0.1:{} (or this machine's address), user {}, access code {}",
                    config.chamberPort(), Bambu.USER, code);
        } else if (cameraDemo) {
            logDemoUrls(config, config.rtspPort());
        }
        if (config.demo() != null && relay != null) {
            String code = config.accessCode().reveal().equals(SimulatedPrinter.DEMO_ACCESS_CODE)
                    ? SimulatedPrinter.DEMO_ACCESS_CODE : "<access code>";
            LOG.info("Demo: watch the printer's reports through the MQTT relay with");
            LOG.info("  mosquitto_sub -h 127.0.0.1 -p {} --cafile {} --insecure -u {} -P {} -t 'device/+/report'", relay.port(),
                    config.dataDir().resolve(ServerCertificate.CERT_FILE), Bambu.USER, code);
        }
        Application app = new Application(group, simulator, mqttSimulator, printer, relay, status);
        if (config.mqtt() != null) {
            app.mqtt = new HomeAssistantBridge(config.mqtt(), config.serial(), config.printerIp(), printer);
            app.mqtt.start(); // returns at once; broker trouble is logged and retried
        }
        return app;
    }

    /** What to open against the RTSP demo; the code is shown only when it is the built-in demo value. */
    private static void logDemoUrls(Config config, int port) {
        String code = config.accessCode().reveal().equals(SimulatedPrinter.DEMO_ACCESS_CODE)
                ? SimulatedPrinter.DEMO_ACCESS_CODE : "<access code>";
        String rtsp = "rtsp://" + Bambu.USER + ":" + code + "@127.0.0.1:" + port + "/stream";
        String rtsps = "rtsps://" + Bambu.USER + ":" + code + "@127.0.0.1:" + port + Bambu.STREAM_PATH;
        LOG.info("Demo: open the proxy's stream with");
        LOG.info("  ffplay -rtsp_transport tcp \"{}\"", rtsp);
        LOG.info("  ffplay \"{}\"   (RTSPS, the printer's own URL form)", rtsps);
        LOG.info("  vlc \"{}\"   (a VLC built with live555)", rtsp);
    }

    public StatusBoard status() {
        return status;
    }

    /** The MQTT relay, or null when --services leaves it out. */
    public MqttRelay relay() {
        return relay;
    }

    /** The printer's status and commands, for the MQTT bridge. */
    public PrinterControl printer() {
        return printer;
    }

    /** Stop accepting, close clients, close the upstream, stop the event loops: within about 2 s. */
    @Override
    public void close() {
        LOG.info("Shutting down");
        if (mqtt != null) {
            mqtt.close(); // first, so "offline" goes out while the rest is still up
        }
        if (relay != null) {
            relay.close();
        }
        printer.close();
        if (simulator != null) {
            simulator.close();
        }
        if (mqttSimulator != null) {
            mqttSimulator.close();
        }
        group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(1500);
        LOG.info("Stopped");
    }
}
