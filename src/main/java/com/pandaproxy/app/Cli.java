package com.pandaproxy.app;

import com.pandaproxy.ha.MqttSettings;
import com.pandaproxy.net.Version;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.web.WebSettings;
import com.pandaproxy.sim.SimulatedPrinter;
import com.pandaproxy.tls.PrinterTrust;
import com.pandaproxy.tls.TrustMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line. Every option can also come from the environment variable named in
 * {@link #ENV}; a flag wins over the variable. {@link #toConfig()} validates everything and
 * turns mistakes into one {@link ConfigException} sentence naming the option.
 */
@Command(name = "pandaproxy", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Camera and MQTT proxy for BambuLab printers: one connection to the printer, any number of clients.")
public final class Cli {
    /** Option long name → environment variable. */
    static final Map<String, String> ENV = new LinkedHashMap<>();

    static {
        ENV.put("--printer-ip", "PRINTER_IP");
        ENV.put("--access-code", "ACCESS_CODE");
        ENV.put("--serial", "SERIAL_NUMBER");
        ENV.put("--bind", "BIND_ADDRESS");
        ENV.put("--camera", "CAMERA_TYPE");
        ENV.put("--chamber-port", "CHAMBER_PORT");
        ENV.put("--printer-chamber-port", "PRINTER_CHAMBER_PORT");
        ENV.put("--rtsp-port", "RTSP_PORT");
        ENV.put("--printer-rtsp-port", "PRINTER_RTSP_PORT");
        ENV.put("--http-port", "HTTP_PORT");
        ENV.put("--data-dir", "DATA_DIR");
        ENV.put("--max-clients", "MAX_CLIENTS");
        ENV.put("--printer-trust", "PRINTER_TRUST");
        ENV.put("--printer-ca", "PRINTER_CA");
        ENV.put("--services", "SERVICES");
        ENV.put("--mqtt-relay-port", "MQTT_RELAY_PORT");
        ENV.put("--printer-mqtt-port", "PRINTER_MQTT_PORT");
        ENV.put("--log-level", "LOG_LEVEL");
        ENV.put("--mqtt-url", "MQTT_URL");
        ENV.put("--mqtt-username", "MQTT_USERNAME");
        ENV.put("--mqtt-password", "MQTT_PASSWORD");
        ENV.put("--mqtt-ca-file", "MQTT_CA_FILE");
        ENV.put("--mqtt-insecure", "MQTT_INSECURE");
        ENV.put("--discovery-prefix", "DISCOVERY_PREFIX");
        ENV.put("--mqtt-topic-prefix", "MQTT_TOPIC_PREFIX");
        ENV.put("--snapshot-interval", "SNAPSHOT_INTERVAL");
    }

    /** Option long name → what set it when that was not a flag: its variable or its add-on option. */
    private final Map<String, String> origins = new java.util.HashMap<>();
    /** Option long name → its value from a variable or the add-on's options, set unless a flag gave one. */
    private final Map<String, Outside> outside = new LinkedHashMap<>();
    private CommandLine commandLine;

    private record Outside(String value, String origin) {
    }

    @Option(names = "--printer-ip", paramLabel = "ADDRESS", description = "Printer address (env PRINTER_IP). Required unless --demo.")
    String printerIp;

    @Option(names = "--access-code", paramLabel = "CODE", description = "Printer's LAN access code (env ACCESS_CODE). Required unless --demo.")
    String accessCode;

    @Option(names = "--serial", paramLabel = "SERIAL", description = "Printer serial number (env SERIAL_NUMBER).")
    String serial;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address the proxy listens on (env BIND_ADDRESS, default ${DEFAULT-VALUE}).", defaultValue = "0.0.0.0")
    String bind;

    @Option(names = "--camera", paramLabel = "TYPE", description = "auto, chamber or rtsp (env CAMERA_TYPE, default ${DEFAULT-VALUE}).", defaultValue = "auto")
    String camera;

    @Option(names = "--chamber-port", paramLabel = "PORT", description = "Proxy's chamber-image port (env CHAMBER_PORT, default ${DEFAULT-VALUE}).", defaultValue = "" + Bambu.CHAMBER_PORT)
    String chamberPort;

    @Option(names = "--printer-chamber-port", paramLabel = "PORT", description = "Printer's chamber-image port (env PRINTER_CHAMBER_PORT, default ${DEFAULT-VALUE}).", defaultValue = "" + Bambu.CHAMBER_PORT)
    String printerChamberPort;

    @Option(names = "--rtsp-port", paramLabel = "PORT", description = "Proxy's RTSP/RTSPS port (env RTSP_PORT, default 322; 8554 with --demo).")
    String rtspPort;

    @Option(names = "--printer-rtsp-port", paramLabel = "PORT", description = "Printer's RTSPS port (env PRINTER_RTSP_PORT, default ${DEFAULT-VALUE}).", defaultValue = "" + Bambu.RTSP_PORT)
    String printerRtspPort;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Proxy's web page, MJPEG and snapshots, HTTP (env HTTP_PORT, default ${DEFAULT-VALUE}).", defaultValue = "" + WebSettings.DEFAULT_PORT)
    String httpPort;

    /** Set by add-on mode (AddonMode), not by users: the Supervisor's ingress proxy. */
    @Option(names = "--ingress-proxy", hidden = true)
    String ingressProxy;

    /** Set by add-on mode: the add-on's page, for the Home Assistant device's link. */
    @Option(names = "--web-link", hidden = true)
    String webLink;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the TLS key and certificate are kept (env DATA_DIR, default ${DEFAULT-VALUE}).", defaultValue = "./data")
    String dataDir;

    @Option(names = "--max-clients", paramLabel = "N", description = "Clients served at once (env MAX_CLIENTS, default ${DEFAULT-VALUE}).", defaultValue = "64")
    String maxClients;

    @Option(names = "--services", paramLabel = "LIST", description = "What the proxy serves: camera, mqtt (the printer's MQTT relayed), or camera,mqtt (env SERVICES, default camera; camera,mqtt with --demo).")
    String services;

    @Option(names = "--mqtt-relay-port", paramLabel = "PORT", description = "Proxy's MQTT relay port (env MQTT_RELAY_PORT, default ${DEFAULT-VALUE}).", defaultValue = "" + Bambu.MQTT_PORT)
    String mqttRelayPort;

    @Option(names = "--printer-mqtt-port", paramLabel = "PORT", description = "Printer's MQTT port (env PRINTER_MQTT_PORT, default ${DEFAULT-VALUE}).", defaultValue = "" + Bambu.MQTT_PORT)
    String printerMqttPort;

    @Option(names = "--demo", arity = "0..1", fallbackValue = "chamber", paramLabel = "chamber|rtsp",
            description = "Run against a built-in simulated printer (default chamber).")
    String demo;

    @Option(names = "--printer-trust", paramLabel = "MODE", description = "How the printer's certificate is checked before the access code is sent: auto, bambu, pin or off (env PRINTER_TRUST, default ${DEFAULT-VALUE}).", defaultValue = "auto")
    String printerTrust;

    @Option(names = "--printer-ca", paramLabel = "FILE", description = "PEM CA certificate(s) trusted for the printer besides BambuLab's (env PRINTER_CA).")
    String printerCa;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info, debug or trace (env LOG_LEVEL, default ${DEFAULT-VALUE}).", defaultValue = "info")
    String logLevel;

    @Option(names = "--mqtt-url", paramLabel = "URL", description = "MQTT broker for Home Assistant, mqtt://host:1883 or mqtts://host:8883 (env MQTT_URL; unset: no MQTT).")
    String mqttUrl;

    @Option(names = "--mqtt-username", paramLabel = "USER", description = "MQTT user name (env MQTT_USERNAME).")
    String mqttUsername;

    @Option(names = "--mqtt-password", paramLabel = "PASSWORD", description = "MQTT password (env MQTT_PASSWORD; prefer the variable).")
    String mqttPassword;

    @Option(names = "--mqtt-ca-file", paramLabel = "FILE", description = "PEM CA certificate(s) trusted for mqtts:// (env MQTT_CA_FILE).")
    String mqttCaFile;

    @Option(names = "--mqtt-insecure", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Trust any certificate of an mqtts:// broker (env MQTT_INSECURE).")
    String mqttInsecure;

    @Option(names = "--discovery-prefix", paramLabel = "PREFIX", description = "Home Assistant MQTT discovery prefix (env DISCOVERY_PREFIX, default ${DEFAULT-VALUE}).", defaultValue = "homeassistant")
    String discoveryPrefix;

    @Option(names = "--mqtt-topic-prefix", paramLabel = "PREFIX", description = "First level of the proxy's MQTT topics (env MQTT_TOPIC_PREFIX, default ${DEFAULT-VALUE}).", defaultValue = "pandaproxy")
    String mqttTopicPrefix;

    @Option(names = "--snapshot-interval", paramLabel = "SECONDS", description = "Still image to Home Assistant every SECONDS, 0 = off (env SNAPSHOT_INTERVAL, default ${DEFAULT-VALUE}).", defaultValue = "10")
    String snapshotInterval;

    @Option(names = {"-v", "--verbose"}, description = "Log debug details (same as --log-level debug).")
    boolean verbose;

    /** Builds the picocli command line, reading variables from {@code env}. */
    static CommandLine commandLine(Cli cli, Map<String, String> env) {
        return commandLine(cli, env, Map.of());
    }

    /**
     * Builds the picocli command line. An option not given as a flag takes, in this order, its
     * variable from {@code env}, its value in {@code addon} (the add-on's options, keyed by the
     * option's long name: {@link AddonMode}), or its default. Those values are set after parsing
     * ({@link #toConfig()}), as they are: through picocli they would be refused when they start
     * like an option (a password "-v…") and have their ${…} replaced.
     */
    static CommandLine commandLine(Cli cli, Map<String, String> env, Map<String, String> addon) {
        CommandLine cmd = new CommandLine(cli);
        cli.commandLine = cmd;
        for (CommandLine.Model.OptionSpec spec : cmd.getCommandSpec().options()) {
            String name = spec.longestName();
            String var = ENV.get(name);
            String value = var == null ? null : env.get(var);
            String origin = var;
            if (value == null || value.isBlank()) {
                value = addon.get(name);
                origin = AddonOptions.KEYS.stream().filter(k -> k.option().equals(name)).findFirst()
                        .map(k -> "add-on option " + k.name()).orElse(null);
            }
            if (value != null && !value.isBlank()) {
                cli.outside.put(name, new Outside(value.trim(), origin));
            }
        }
        return cmd;
    }

    /** Sets the variables' and add-on options' values of the options no flag gave. */
    private void applyOutsideValues() {
        CommandLine.ParseResult parsed = commandLine == null ? null : commandLine.getParseResult();
        if (parsed == null) {
            return;
        }
        outside.forEach((name, value) -> {
            if (!parsed.hasMatchedOption(name)) {
                commandLine.getCommandSpec().findOption(name).setValue(value.value());
                if (value.origin() != null) {
                    origins.put(name, value.origin());
                }
            }
        });
        outside.clear();
    }

    /**
     * Validates and converts the parsed options. A message that quotes a value the user gave never
     * shows the access code or the MQTT password, even where that value happens to contain it (a
     * serial number, a path).
     */
    public Config toConfig() throws ConfigException {
        applyOutsideValues();
        try {
            return validated();
        } catch (ConfigException e) {
            throw new ConfigException(withoutSecrets(e.getMessage()));
        }
    }

    /** A message about the options with the access code and the MQTT password masked. */
    String withoutSecrets(String message) {
        return ConfigException.withoutSecrets(message, accessCode, mqttPassword);
    }

    private Config validated() throws ConfigException {
        String demoMode = demo == null ? null : demo.toLowerCase(Locale.ROOT);
        if (demoMode != null && !demoMode.equals("chamber") && !demoMode.equals("rtsp")) {
            throw new ConfigException("--demo must be chamber or rtsp, not '" + demo + "'");
        }
        CameraMode mode = parseCamera(camera);
        String ip = blankToNull(printerIp);
        String code = accessCode;
        if (demoMode == null) {
            if (ip == null) {
                throw new ConfigException("--printer-ip (PRINTER_IP) is required: the printer's address");
            }
            if (code == null || code.isEmpty()) {
                throw new ConfigException("--access-code (ACCESS_CODE) is required: the printer's LAN access code");
            }
        } else {
            ip = "127.0.0.1";
            code = code == null || code.isEmpty() ? SimulatedPrinter.DEMO_ACCESS_CODE : code;
            mode = demoMode.equals("rtsp") ? CameraMode.RTSP : CameraMode.CHAMBER;
        }
        validateAccessCode(code);
        if (!ip.matches("[A-Za-z0-9.:%_\\-\\[\\]]{1,253}")) {
            throw new ConfigException("--printer-ip must be a host name or an IP address");
        }
        String serialNumber = blankToNull(serial);
        if (serialNumber != null && !serialNumber.matches("[A-Za-z0-9_-]{1,64}")) {
            // it is a level of the printer's MQTT topics (device/SERIAL/report)
            throw new ConfigException("--serial must be the printer's serial number (letters, digits, '-' or '_'; at most 64), not '" + serialNumber + "'");
        }
        int defaultRtsp = demoMode == null ? Bambu.RTSP_PORT : 8554;
        return Config.builder().printer(ip, code).serial(serialNumber).camera(mode)
                .listen(bind.trim(), port("--chamber-port", chamberPort),
                        rtspPort == null ? defaultRtsp : port("--rtsp-port", rtspPort))
                .printerPorts(port("--printer-chamber-port", printerChamberPort), port("--printer-rtsp-port", printerRtspPort))
                .dataDir(Path.of(dataDir))
                .maxClients(range("--max-clients", maxClients, 1, 10_000))
                .services(parseServices(services == null ? demoMode == null ? "camera" : "camera,mqtt" : services))
                .mqttPorts(port("--mqtt-relay-port", mqttRelayPort), port("--printer-mqtt-port", printerMqttPort))
                .demo(demoMode)
                .mqtt(mqtt())
                .printerTrust(trustMode(), printerCas())
                .httpPort(port("--http-port", httpPort))
                .ingress(ingressAddress(), blankToNull(webLink))
                .build();
    }

    /** An IP address literal (never a name to resolve: it decides who needs no login), or null. */
    private String ingressAddress() throws ConfigException {
        String value = blankToNull(ingressProxy);
        if (value != null && !value.matches("[0-9.]{7,15}|[0-9A-Fa-f:]{2,39}")) {
            throw new ConfigException("--ingress-proxy must be an IP address, not '" + value + "'");
        }
        return value;
    }

    private MqttSettings mqtt() throws ConfigException {
        try {
            return MqttSettings.parse(mqttUrl, mqttUsername, mqttPassword, discoveryPrefix, mqttTopicPrefix,
                    snapshotInterval, mqttCaFile, mqttInsecure);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * {@code message} (about options, named by their flags) with each option that the user set
     * by a variable or an add-on option named the way they set it: "CAMERA_TYPE (--camera) must…".
     */
    String explain(String message) {
        String explained = message;
        for (Map.Entry<String, String> origin : origins.entrySet()) {
            explained = explained.replaceFirst("(?<![\\w-])" + java.util.regex.Pattern.quote(origin.getKey()) + "(?![\\w-])",
                    java.util.regex.Matcher.quoteReplacement(origin.getValue() + " (" + origin.getKey() + ")"));
        }
        return explained;
    }

    private TrustMode trustMode() throws ConfigException {
        TrustMode mode = TrustMode.parse(printerTrust);
        if (mode == null) {
            throw new ConfigException("--printer-trust must be auto, bambu, pin or off, not '" + printerTrust + "'");
        }
        return mode;
    }

    private List<X509Certificate> printerCas() throws ConfigException {
        String file = blankToNull(printerCa);
        if (file == null) {
            return List.of();
        }
        try {
            return PrinterTrust.readCas(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("--printer-ca: cannot read CA certificates from " + file + " (" + e.getMessage() + ")");
        }
    }

    /** The log level to use, validated. */
    String logLevel() throws ConfigException {
        if (verbose) {
            return "debug";
        }
        String level = logLevel.toLowerCase(Locale.ROOT);
        if (!level.matches("error|warn|warning|info|debug|trace")) {
            throw new ConfigException("--log-level must be error, warn, info, debug or trace, not '" + logLevel + "'");
        }
        return level.equals("warning") ? "warn" : level;
    }

    static void validateAccessCode(String code) throws ConfigException {
        if (code.isEmpty() || code.length() > 32) {
            throw new ConfigException("--access-code must be 1 to 32 characters long");
        }
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(code) || code.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ConfigException("--access-code must contain printable ASCII characters only");
        }
    }

    private static Set<Service> parseServices(String value) throws ConfigException {
        Set<Service> out = EnumSet.noneOf(Service.class);
        for (String name : value.split(",", -1)) {
            try {
                out.add(Service.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--services must be camera, mqtt or camera,mqtt, not '" + value + "'");
            }
        }
        return out;
    }

    private static CameraMode parseCamera(String value) throws ConfigException {
        try {
            return CameraMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--camera must be auto, chamber or rtsp, not '" + value + "'");
        }
    }

    private static int port(String option, String value) throws ConfigException {
        return range(option, value, 1, 65535);
    }

    private static int range(String option, String value, int min, int max) throws ConfigException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(option + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pandaproxy " + Version.current()};
        }
    }
}
