package com.pandaproxy.app;

import com.pandaproxy.ha.MqttSettings;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.tls.TrustMode;
import com.pandaproxy.web.WebSettings;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.EnumSet;
import java.util.Set;

/**
 * The whole configuration, immutable and validated at start ({@link Cli#toConfig()}); made with
 * {@link #builder()}.
 *
 * @param demo null, or "chamber"/"rtsp": run against the built-in simulated printer
 * @param mqtt Home Assistant MQTT settings, or null when MQTT is off
 * @param printerTrust how the printer's certificate is checked
 * @param printerCas   CAs trusted for the printer besides BambuLab's ({@code --printer-ca})
 * @param httpPort     the web page's, MJPEG's and snapshots' port
 * @param ingressProxy the address of Home Assistant's ingress proxy (add-on mode), or null
 * @param webLink      the link to the page for Home Assistant's device (add-on mode), or null
 * @param services        what the proxy serves: the camera, the printer's MQTT (the relay), or both
 * @param mqttRelayPort   the relay's port
 * @param printerMqttPort the printer's MQTT port
 */
public record Config(
        String printerIp,
        Secret accessCode,
        String serial,
        String bindAddress,
        CameraMode camera,
        int chamberPort,
        int printerChamberPort,
        int rtspPort,
        int printerRtspPort,
        Path dataDir,
        int maxClients,
        String demo,
        MqttSettings mqtt,
        TrustMode printerTrust,
        List<X509Certificate> printerCas,
        int httpPort,
        String ingressProxy,
        String webLink,
        Set<Service> services,
        int mqttRelayPort,
        int printerMqttPort) {

    public Config {
        services = Set.copyOf(services);
    }

    public boolean serves(Service service) {
        return services.contains(service);
    }

    /** A configuration with the command line's defaults, to be given at least the printer. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Config}; what is not set keeps the command line's default. */
    public static final class Builder {
        private String printerIp;
        private Secret accessCode;
        private String serial;
        private String bindAddress = "0.0.0.0";
        private CameraMode camera = CameraMode.AUTO;
        private int chamberPort = Bambu.CHAMBER_PORT;
        private int printerChamberPort = Bambu.CHAMBER_PORT;
        private int rtspPort = Bambu.RTSP_PORT;
        private int printerRtspPort = Bambu.RTSP_PORT;
        private Path dataDir = Path.of("data");
        private int maxClients = 64;
        private String demo;
        private MqttSettings mqtt;
        private TrustMode printerTrust = TrustMode.AUTO;
        private List<X509Certificate> printerCas = List.of();
        private int httpPort = WebSettings.DEFAULT_PORT;
        private String ingressProxy;
        private String webLink;
        private Set<Service> services = EnumSet.of(Service.CAMERA);
        private int mqttRelayPort = Bambu.MQTT_PORT;
        private int printerMqttPort = Bambu.MQTT_PORT;

        /** The printer's address and LAN access code. */
        public Builder printer(String ip, String code) {
            printerIp = ip;
            accessCode = new Secret(code);
            return this;
        }

        /** The printer's chamber-image and RTSPS ports. */
        public Builder printerPorts(int chamber, int rtsp) {
            printerChamberPort = chamber;
            printerRtspPort = rtsp;
            return this;
        }

        /** The address the proxy listens on and its chamber-image and RTSP ports (0: any free one). */
        public Builder listen(String address, int chamber, int rtsp) {
            bindAddress = address;
            chamberPort = chamber;
            rtspPort = rtsp;
            return this;
        }

        public Builder serial(String value) {
            serial = value;
            return this;
        }

        public Builder camera(CameraMode value) {
            camera = value;
            return this;
        }

        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        public Builder maxClients(int value) {
            maxClients = value;
            return this;
        }

        public Builder demo(String value) {
            demo = value;
            return this;
        }

        public Builder mqtt(MqttSettings value) {
            mqtt = value;
            return this;
        }

        /** How the printer's certificate is checked, and CAs trusted besides BambuLab's. */
        public Builder printerTrust(TrustMode mode, List<X509Certificate> cas) {
            printerTrust = mode;
            printerCas = List.copyOf(cas);
            return this;
        }

        /** The web server's port (0: any free one). */
        public Builder httpPort(int value) {
            httpPort = value;
            return this;
        }

        /**
         * Home Assistant's ingress: its proxy's address (requests from it with X-Ingress-Path need no
         * login) and the page's link for the device; null for none.
         */
        public Builder ingress(String proxyAddress, String link) {
            ingressProxy = proxyAddress;
            webLink = link;
            return this;
        }

        public Builder services(Set<Service> value) {
            services = value;
            return this;
        }

        /** The relay's port (0: any free one) and the printer's MQTT port. */
        public Builder mqttPorts(int relay, int printer) {
            mqttRelayPort = relay;
            printerMqttPort = printer;
            return this;
        }

        public Config build() {
            return new Config(printerIp, accessCode, serial, bindAddress, camera, chamberPort, printerChamberPort,
                    rtspPort, printerRtspPort, dataDir, maxClients, demo, mqtt, printerTrust, printerCas, httpPort,
                    ingressProxy, webLink, services, mqttRelayPort, printerMqttPort);
        }
    }
}
