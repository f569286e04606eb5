package com.pandaproxy.ha;

import com.pandaproxy.net.HostPort;
import com.pandaproxy.net.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How to reach the MQTT broker and where to publish, validated ({@link #parse}).
 *
 * @param brokerUri               what Paho connects to: {@code tcp://host:port} or {@code ssl://host:port}
 * @param username                broker user name, or null
 * @param password                broker password (never printed), or null
 * @param discoveryPrefix         Home Assistant's discovery prefix, usually {@code homeassistant}
 * @param topicPrefix             first level of this proxy's own topics
 * @param snapshotIntervalSeconds how often the camera entity gets a still image; 0 = never
 * @param caFile                  PEM certificate(s) trusted for {@code ssl://}, or null for the JVM's defaults
 * @param insecure                trust any broker certificate and host name ({@code ssl://} only)
 */
public record MqttSettings(
        String brokerUri,
        String username,
        Secret password,
        String discoveryPrefix,
        String topicPrefix,
        int snapshotIntervalSeconds,
        Path caFile,
        boolean insecure) {

    private static final String TOPIC_SAFE = "[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64}){0,4}";

    public boolean tls() {
        return brokerUri.startsWith("ssl://");
    }

    /**
     * Validates the raw option values; returns null when {@code url} is unset (MQTT off).
     *
     * @throws IllegalArgumentException a mistake, one sentence naming the option, without echoing secrets
     */
    public static MqttSettings parse(String url, String username, String password, String discoveryPrefix,
            String topicPrefix, String snapshotInterval, String caFile, String insecure) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String brokerUri = brokerUri(url.trim());
        String user = blankToNull(username);
        Secret pass = password == null || password.isEmpty() ? null : new Secret(password);
        if (pass != null && user == null) {
            throw new IllegalArgumentException("--mqtt-password needs --mqtt-username (MQTT sends no password without a user name)");
        }
        if (user != null && (user.length() > 256 || user.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw new IllegalArgumentException("--mqtt-username must be 1 to 256 printable characters");
        }
        String discovery = topicPrefix("--discovery-prefix", discoveryPrefix);
        String own = topicPrefix("--mqtt-topic-prefix", topicPrefix);
        int interval = interval(snapshotInterval);
        boolean trustAll = bool("--mqtt-insecure", insecure);
        Path ca = blankToNull(caFile) == null ? null : Path.of(caFile.trim());
        boolean tls = brokerUri.startsWith("ssl://");
        if ((ca != null || trustAll) && !tls) {
            throw new IllegalArgumentException((ca != null ? "--mqtt-ca-file" : "--mqtt-insecure")
                    + " only applies to an ssl:// or mqtts:// --mqtt-url");
        }
        if (ca != null && trustAll) {
            throw new IllegalArgumentException("--mqtt-ca-file and --mqtt-insecure exclude each other: trust a CA file or any certificate");
        }
        if (ca != null && !Files.isReadable(ca)) {
            throw new IllegalArgumentException("--mqtt-ca-file " + ca + " cannot be read");
        }
        return new MqttSettings(brokerUri, user, pass, discovery, own, interval, ca, trustAll);
    }

    /** tcp/mqtt → {@code tcp://host:port}, ssl/mqtts → {@code ssl://host:port}; default ports 1883 and 8883. */
    private static String brokerUri(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--mqtt-url must look like mqtt://host:1883 or mqtts://host:8883");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls;
        switch (scheme) {
            case "tcp", "mqtt" -> tls = false;
            case "ssl", "mqtts" -> tls = true;
            default -> throw new IllegalArgumentException("--mqtt-url must start with mqtt://, mqtts://, tcp:// or ssl://");
        }
        if (uri.getRawUserInfo() != null) {
            // the URL may hold a password: say where it goes instead, without repeating the URL
            throw new IllegalArgumentException("--mqtt-url must not contain a user name or password: use --mqtt-username and --mqtt-password");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("--mqtt-url needs a broker host name or address, e.g. mqtt://192.168.1.2:1883");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("--mqtt-url must be only scheme, host and port, e.g. mqtt://192.168.1.2:1883");
        }
        int port = uri.getPort() == -1 ? (tls ? 8883 : 1883) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--mqtt-url port must be from 1 to 65535");
        }
        return (tls ? "ssl://" : "tcp://") + HostPort.of(host, port);
    }

    private static String topicPrefix(String option, String value) {
        String v = value == null ? "" : value.trim();
        if (!v.matches(TOPIC_SAFE)) {
            throw new IllegalArgumentException(option + " must be topic levels of letters, digits, '_' or '-' separated by '/', not '" + v + "'");
        }
        return v;
    }

    private static int interval(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0 && n <= 3600) {
                return n;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new IllegalArgumentException("--snapshot-interval must be a whole number of seconds from 0 (off) to 3600, not '" + value + "'");
    }

    private static boolean bool(String option, String value) {
        String v = value == null ? "false" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "", "false", "0", "no", "off" -> {
                return false;
            }
            case "true", "1", "yes", "on" -> {
                return true;
            }
            default -> throw new IllegalArgumentException(option + " must be true or false, not '" + value + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
