package com.pandaproxy.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pandaproxy.net.HostPort;
import com.pandaproxy.net.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks the Home Assistant Supervisor which MQTT broker it offers to add-ons (the Mosquitto
 * broker add-on's, with a user made for this add-on): {@code GET /services/mqtt} with the
 * add-on's {@code SUPERVISOR_TOKEN}. The answer is a broker or one sentence saying why there is
 * none; neither ever holds the token or a password.
 */
final class SupervisorMqtt {
    /** Where the Supervisor answers add-ons; SUPERVISOR_URL overrides it (tests). */
    static final String DEFAULT_URL = "http://supervisor";
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The answer is a few hundred bytes. */
    private static final int MAX_BODY = 64 * 1024;

    /** A broker to use: url is mqtt://host:port, or mqtts:// when the broker wants TLS. */
    record Broker(String url, String username, Secret password) {
    }

    /** Exactly one of broker and problem is set. */
    record Answer(Broker broker, String problem) {
        static Answer problem(String problem) {
            return new Answer(null, problem);
        }
    }

    private SupervisorMqtt() {
    }

    static Answer ask(URI base, String token, Duration timeout) {
        URI uri = base.resolve("/services/mqtt");
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        int status;
        byte[] body;
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BODY);
            }
        } catch (IOException e) {
            return Answer.problem("cannot reach the Supervisor at " + base + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.problem("interrupted while asking the Supervisor");
        }
        if (status == 401 || status == 403) {
            return Answer.problem("the Supervisor refused the question (HTTP " + status + ")");
        }
        if (status == 400 || status == 404) {
            return Answer.problem("the Supervisor offers no MQTT broker (install the Mosquitto broker add-on, or set mqtt_url)");
        }
        if (status != 200) {
            return Answer.problem("the Supervisor answered HTTP " + status);
        }
        return parse(body);
    }

    /** Reads {"result":"ok","data":{"host":…,"port":…,"ssl":…,"username":…,"password":…}}. */
    static Answer parse(byte[] body) {
        JsonNode data;
        try {
            JsonNode root = new ObjectMapper().readTree(body);
            if (root == null || !"ok".equals(root.path("result").asText())) {
                return Answer.problem("the Supervisor's answer is not ok");
            }
            data = root.path("data");
        } catch (IOException e) {
            return Answer.problem("the Supervisor's answer is not JSON");
        }
        String host = data.path("host").asText("");
        int port = data.path("port").asInt(0);
        if (host.isEmpty()) {
            return Answer.problem("the Supervisor offers no MQTT broker (install the Mosquitto broker add-on, or set mqtt_url)");
        }
        if (!host.matches("[A-Za-z0-9.:_\\-\\[\\]]{1,253}") || port < 1 || port > 65535) {
            return Answer.problem("the Supervisor's MQTT broker address is not usable");
        }
        boolean tls = data.path("ssl").asBoolean(false);
        String url = (tls ? "mqtts://" : "mqtt://") + HostPort.of(host, port);
        String username = data.path("username").asText("");
        String password = data.path("password").asText("");
        return new Answer(new Broker(url, username.isEmpty() ? null : username,
                password.isEmpty() ? null : new Secret(password)), null);
    }
}
