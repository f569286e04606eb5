package com.pandaproxy.mqtt;

import java.time.Duration;

/**
 * What the MQTT relay needs from the configuration; {@code app} builds it.
 *
 * @param bindAddress  address the relay listens on
 * @param port         the relay's port (8883 by default; 0 picks a free one)
 * @param printerHost  the printer's address
 * @param printerPort  the printer's MQTT port (8883)
 * @param accessCode   the printer's access code: the printer's password, and the clients' (never printed)
 * @param serial       the printer's serial number, or null to take it from the printer's certificate
 *                     or its first report
 * @param maxClients   clients served at once
 * @param cameraPort   the proxy's RTSP port when it relays an RTSP camera (report camera URLs are
 *                     rewritten to it), or 0
 * @param timings      time limits
 */
public record MqttRelaySettings(String bindAddress, int port, String printerHost, int printerPort, String accessCode,
        String serial, int maxClients, int cameraPort, Timings timings) {

    /** The largest command a client may publish; larger ones are refused. */
    public static final int MAX_COMMAND_BYTES = 64 * 1024;

    /**
     * @param login      a client's time to finish TLS and CONNECT
     * @param silence    no report from the printer for this long: ask it for {@code pushall} (or, if one was
     *                   asked for less than {@code pushall} ago, {@code get_version}); as long again: reconnect
     * @param pushall    the relay asks the printer for {@code pushall} at most this often, besides once per connection
     * @param backoffMin first wait before connecting to the printer again
     * @param backoffMax longest wait before connecting to the printer again
     */
    public record Timings(Duration login, Duration silence, Duration pushall, Duration backoffMin, Duration backoffMax) {
        public static final Timings DEFAULT = new Timings(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5),
                Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    @Override
    public String toString() {
        return "MqttRelaySettings[" + bindAddress + ":" + port + ", printer " + printerHost + ":" + printerPort
                + ", serial " + serial + ", maxClients " + maxClients + ", cameraPort " + cameraPort + "]";
    }
}
