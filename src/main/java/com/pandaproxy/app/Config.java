package com.pandaproxy.app;

import com.pandaproxy.ha.MqttSettings;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.Bambu;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * The whole configuration, immutable and validated at start ({@link Cli#toConfig()}); made with
 * {@link #builder()}.
 *
 * @param demo            null, or "chamber"/"rtsp": run against the built-in simulated printer
 * @param mqtt            Home Assistant MQTT settings, or null when MQTT is off
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
                    rtspPort, printerRtspPort, dataDir, maxClients, demo, mqtt, services, mqttRelayPort, printerMqttPort);
        }
    }
}
