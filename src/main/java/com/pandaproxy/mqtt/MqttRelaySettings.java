package com.pandaproxy.mqtt;

import java.time.Duration;

/**
 * What the MQTT relay needs from the configuration besides the printer; {@code app} builds it.
 *
 * @param bindAddress address the relay listens on
 * @param port        the relay's port (8883 by default; 0 picks a free one)
 * @param printerPort the printer's MQTT port (8883)
 * @param serial      the printer's serial number, or null to take it from the printer's certificate
 *                    or its first report
 * @param maxClients  clients served at once
 * @param cameraPort  the proxy's RTSP port when it serves the camera (camera URLs in reports are
 *                    rewritten to it), or 0
 * @param login       a client's time to finish TLS and CONNECT ({@link #LOGIN_LIMIT})
 * @param pushall     the relay asks the printer for {@code pushall} at most this often besides once
 *                    per connection ({@link #PUSHALL_INTERVAL})
 */
public record MqttRelaySettings(String bindAddress, int port, int printerPort, String serial, int maxClients, int cameraPort,
        Duration login, Duration pushall) {

    /** The largest command a client may publish; larger ones are refused. */
    public static final int MAX_COMMAND_BYTES = 64 * 1024;
    /** A client's time to finish TLS and CONNECT. */
    public static final Duration LOGIN_LIMIT = Duration.ofSeconds(10);
    /** BambuLab advises against asking a P1 for {@code pushall} more often (its firmware lags). */
    public static final Duration PUSHALL_INTERVAL = Duration.ofMinutes(5);
}
