package com.pandaproxy.app;

import com.pandaproxy.ha.MqttSettings;
import java.nio.file.Path;

/**
 * The whole configuration, immutable and validated at start ({@link Cli#toConfig()}).
 *
 * @param demo null, or "chamber"/"rtsp": run against the built-in simulated printer
 * @param mqtt Home Assistant MQTT settings, or null when MQTT is off
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
        boolean verbose,
        MqttSettings mqtt) {

    /** A configuration without MQTT (tests, tools). */
    public Config(String printerIp, Secret accessCode, String serial, String bindAddress, CameraMode camera,
            int chamberPort, int printerChamberPort, int rtspPort, int printerRtspPort, java.nio.file.Path dataDir,
            int maxClients, String demo, boolean verbose) {
        this(printerIp, accessCode, serial, bindAddress, camera, chamberPort, printerChamberPort, rtspPort,
                printerRtspPort, dataDir, maxClients, demo, verbose, null);
    }

    /** The user name BambuLab printers expect on every camera protocol. */
    public static final String USERNAME = "bblp";

    /** The access code of the demo's simulated printer when none is given: a sample value, not a secret. */
    public static final String DEMO_ACCESS_CODE = "12345678";

    public Config withPrinter(String ip, int chamberPort, int rtspPort) {
        return new Config(ip, accessCode, serial, bindAddress, camera, this.chamberPort, chamberPort,
                this.rtspPort, rtspPort, dataDir, maxClients, demo, verbose, mqtt);
    }
}
