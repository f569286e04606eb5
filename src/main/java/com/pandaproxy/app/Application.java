package com.pandaproxy.app;

import com.pandaproxy.chamber.ChamberProbe;
import com.pandaproxy.chamber.ChamberProxy;
import com.pandaproxy.ha.HomeAssistantBridge;
import com.pandaproxy.mqtt.MqttRelay;
import com.pandaproxy.mqtt.MqttRelaySettings;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.HostPort;
import com.pandaproxy.net.Version;
import com.pandaproxy.net.Transports;
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
import com.pandaproxy.sim.DemoCertificate;
import com.pandaproxy.tls.PrinterTrust;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import com.pandaproxy.web.BasicAuth;
import com.pandaproxy.web.PrinterCamera;
import com.pandaproxy.web.WebServer;
import com.pandaproxy.web.WebSettings;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
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
    private final Tls tls;
    private final WebServer web;
    private HomeAssistantBridge mqtt; // null when MQTT is off

    private Application(EventLoopGroup group, SimulatedPrinter simulator, MqttPrinterSimulator mqttSimulator, Printer printer,
            MqttRelay relay, StatusBoard status, Tls tls, WebServer web) {
        this.tls = tls;
        this.group = group;
        this.simulator = simulator;
        this.mqttSimulator = mqttSimulator;
        this.printer = printer;
        this.relay = relay;
        this.status = status;
        this.web = web;
    }

    public static Application start(Config config) throws Exception {
        LOG.info("PandaProxy {} starting", Version.current());
        if (config.demo() == null) {
            refuseSelfAsPrinter(config);
        }
        SimulatedPrinter simulator = null;
        ServerCertificate printerId = null;
        PrinterAddress printerAddress = new PrinterAddress(config.printerIp(), config.printerChamberPort(),
                config.printerRtspPort(), config.accessCode());
        if (config.demo() != null) {
            boolean rtsp = config.demo().equals("rtsp");
            // a certificate from a CA of its own, as a BambuLab printer's, kept so a restart presents the one pinned
            printerId = DemoCertificate.loadOrCreate(config.dataDir());
            simulator = rtsp ? RtspSimulator.start(0, config.accessCode().reveal(), RtspSimulator.Auth.DIGEST, printerId)
                    : ChamberSimulator.start(0, config.accessCode().reveal(), ChamberSimulator.Options.DEFAULT, printerId);
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
                    config.serial() == null ? options : options.withSerial(config.serial()), printerId);
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
        PrinterTrust trust = PrinterTrust.of(new PrinterTrust.Settings(config.printerTrust(), printerAddress.host(),
                config.serial(), config.dataDir(), config.printerCas()));
        Tls tls = new Tls(provider.join(), identity, trust);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Transports.ioHandlerFactory());
        StatusBoard status = new StatusBoard(CameraType.UNKNOWN);
        status.certificate(trust.status());
        trust.addListener(status::certificate);
        AuthThrottle throttle = new AuthThrottle();
        ProxyContext context = new ProxyContext(printerAddress, tls, group, status, throttle);
        ChamberProxy.Settings chamber = new ChamberProxy.Settings(config.bindAddress(), config.chamberPort(),
                config.maxClients(), ChamberProxy.LOGIN_LIMIT);
        RtspProxy.Settings rtsp = new RtspProxy.Settings(config.bindAddress(), config.rtspPort(), config.maxClients());
        CameraType fixed = config.camera() == CameraMode.AUTO ? null : CameraType.valueOf(config.camera().name());
        DetectionSettings detection = new DetectionSettings(fixed, config.dataDir(), ChamberProbe.PROBE, RtspProbe.PROBE);
        Printer printer = new Printer(context, detection, (type, connection) -> type == CameraType.RTSP
                ? new RtspProxy(context, rtsp)
                : new ChamberProxy(context, chamber, UpstreamTimings.CHAMBER, connection), Printer.Settings.DEFAULT);
        WebServer web = new WebServer(webSettings(config), group, new PrinterCamera(printer, status), throttle);
        MqttRelay relay = null;
        try {
            if (config.serves(Service.CAMERA)) {
                printer.start();
            } else {
                status.state(UpstreamState.STOPPED); // no camera served: nothing to connect to
            }
            tls.server(); // a certificate that cannot be read stops the start
            web.start();
            if (config.serves(Service.MQTT)) {
                relay = new MqttRelay(context, new MqttRelaySettings(config.bindAddress(), config.mqttRelayPort(), printerMqttPort,
                        config.serial(), config.maxClients(), config.serves(Service.CAMERA) ? config.rtspPort() : 0,
                        MqttRelaySettings.LOGIN_LIMIT, MqttRelaySettings.PUSHALL_INTERVAL), UpstreamTimings.MQTT);
                relay.start();
            }
        } catch (Exception e) {
            web.close();
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
            logDemoCommand(config);
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
        if (config.demo() != null) {
            LOG.info("Demo: the page, MJPEG and snapshots at http://127.0.0.1:{}/ (user {}, the access code)", web.port(), Bambu.USER);
        }
        Application app = new Application(group, simulator, mqttSimulator, printer, relay, status, tls, web);
        if (config.mqtt() != null) {
            app.mqtt = new HomeAssistantBridge(config.mqtt(), config.serial(), config.printerIp(), printer, () -> picture(web),
                    webLink(config));
            app.mqtt.start(); // returns at once; broker trouble is logged and retried
        }
        return app;
    }

    /**
     * Stops a start whose printer address is this machine on the proxy's own port: the proxy would
     * connect to itself. (One behind a port forward or NAT is caught by its certificate instead:
     * {@link #mistake()}.) Only an IP address is checked: a host name is not looked up here.
     */
    static void refuseSelfAsPrinter(Config config) throws ConfigException {
        InetAddress printer = NetUtil.createInetAddressFromIpAddressString(config.printerIp());
        InetAddress bind = NetUtil.createInetAddressFromIpAddressString(config.bindAddress());
        if (printer == null || bind == null || !(bind.isAnyLocalAddress() || bind.equals(printer)) || !isThisMachine(printer)) {
            return;
        }
        boolean chamber = config.camera() != CameraMode.RTSP && config.printerChamberPort() == config.chamberPort();
        boolean rtsp = config.camera() != CameraMode.CHAMBER && config.printerRtspPort() == config.rtspPort();
        boolean mqtt = config.serves(Service.MQTT) && config.printerMqttPort() == config.mqttRelayPort();
        chamber &= config.serves(Service.CAMERA);
        rtsp &= config.serves(Service.CAMERA);
        if (chamber || rtsp || mqtt) {
            String port = chamber ? "--printer-chamber-port " + config.printerChamberPort() + " is its own --chamber-port"
                    : rtsp ? "--printer-rtsp-port " + config.printerRtspPort() + " is its own --rtsp-port"
                    : "--printer-mqtt-port " + config.printerMqttPort() + " is its own --mqtt-relay-port";
            throw new ConfigException("--printer-ip " + config.printerIp() + " is this machine and " + port
                    + ": the proxy would connect to itself; give the printer's address");
        }
    }

    private static boolean isThisMachine(InetAddress address) {
        try {
            return address.isLoopbackAddress() || address.isAnyLocalAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** A command that logs in to the chamber demo and prints the first picture's size (Python 3, standard library). */
    private static void logDemoCommand(Config config) {
        String code = config.accessCode().reveal().equals(SimulatedPrinter.DEMO_ACCESS_CODE)
                ? SimulatedPrinter.DEMO_ACCESS_CODE : "<access code>";
        LOG.info("Demo: try it with");
        LOG.info("  python3 -c 'import socket,ssl,struct; s=ssl._create_unverified_context().wrap_socket(socket.create_connection("
                + "(\"127.0.0.1\",{})), server_hostname=None); s.sendall(struct.pack(\"<4I\",64,0x3000,0,0)+b\"{}\".ljust(32,b\"\\0\")"
                + "+b\"{}\".ljust(32,b\"\\0\")); h=s.recv(16); print(\"picture of\",struct.unpack(\"<I\",h[:4])[0],\"bytes\")"
                + " if h else print(\"closed: wrong access code?\")'", config.chamberPort(), Bambu.USER, code);
    }

    private static WebSettings webSettings(Config config) throws java.net.UnknownHostException {
        Set<InetAddress> ingress = config.ingressProxy() == null ? Set.of() : Set.of(InetAddress.getByName(config.ingressProxy()));
        return new WebSettings(config.bindAddress(), config.httpPort(), new BasicAuth(Bambu.USER, config.accessCode().reveal()),
                ingress, config.maxClients(), config.chamberPort(), config.rtspPort(),
                config.serves(Service.MQTT) ? config.mqttRelayPort() : 0, WebSettings.REQUEST_TIMEOUT);
    }

    /**
     * The Home Assistant device's link to the page: the add-on's page in the sidebar, else the
     * proxy's own address when it listens on one (not on every address: which would it be?).
     */
    private static String webLink(Config config) {
        if (config.webLink() != null) {
            return config.webLink();
        }
        String bind = config.bindAddress();
        if (bind.equals("0.0.0.0") || bind.equals("::") || bind.isBlank()) {
            return null;
        }
        return "http://" + HostPort.of(bind, config.httpPort()) + "/";
    }

    /** The web's latest picture for MQTT's camera entity (RTSP printers' keyframes are decoded there). */
    private static Optional<byte[]> picture(WebServer web) {
        try {
            return Optional.ofNullable(web.snapshots().latest().get(5, TimeUnit.SECONDS).jpeg());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
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

    /**
     * Completes with one sentence when a configuration mistake shows only while running: the
     * printer's address leads back to this proxy. The program should then stop (exit status 2).
     */
    public CompletableFuture<String> mistake() {
        return tls.selfConnection();
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
        web.close();
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
