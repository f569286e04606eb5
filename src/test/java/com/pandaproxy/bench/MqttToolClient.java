package com.pandaproxy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pandaproxy.mqtt.RelayClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A tool of the MQTT relay, for the soak: Eclipse Paho over TLS (any certificate, as tools set to
 * skip Bambu Lab's check do), MQTT 3.1.1, subscribed to the printer's reports. It notes when
 * reports come, when the first full state came, and which of its {@code pushall}s are unanswered.
 */
final class MqttToolClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MqttClient client;
    private final String serial;
    /** Its pushalls not answered yet: sequence id → nanoTime sent. */
    private final Map<String, Long> pushalls = new ConcurrentHashMap<>();
    private volatile long lastReportNanos;
    private volatile long fullStateNanos;
    private volatile Throwable lost;
    private volatile String malformed;
    private int sequence;

    MqttToolClient(int port, String code, String serial, String id) throws MqttException {
        this.serial = serial;
        client = new MqttClient("ssl://127.0.0.1:" + port, id, new MemoryPersistence());
        client.setTimeToWait(10_000);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost = cause;
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                long now = System.nanoTime();
                JsonNode report;
                try {
                    report = JSON.readTree(message.getPayload());
                } catch (IOException e) {
                    malformed = "a report that is not JSON: " + e.getMessage();
                    return;
                }
                lastReportNanos = now;
                JsonNode print = report.path("print");
                if (print.path("command").asText().equals("push_status") && print.path("msg").asInt(-1) == 0) {
                    if (fullStateNanos == 0) {
                        fullStateNanos = now;
                    }
                    pushalls.remove(print.path("sequence_id").asText());
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(RelayClient.options("bblp", code));
        client.subscribe("device/" + serial + "/report", 0);
    }

    /** nanoTime of the last report, or 0. */
    long lastReportNanos() {
        return lastReportNanos;
    }

    /** nanoTime of the first full state ({@code "msg": 0}), or 0. */
    long fullStateNanos() {
        return fullStateNanos;
    }

    /** Why it is broken (the connection lost, a report that is not JSON), or null. */
    String broken() {
        return malformed != null ? malformed : lost != null || !client.isConnected() ? "connection lost: " + lost : null;
    }

    /** Asks for the whole state, as the Bambu Lab integration does after connecting. */
    void pushall() throws MqttException {
        String id = "soak-" + ++sequence;
        pushalls.put(id, System.nanoTime());
        publish("{\"pushing\":{\"sequence_id\":\"" + id + "\",\"command\":\"pushall\",\"version\":1,\"push_target\":1}}", 0);
    }

    /** Turns the chamber light on or off, at QoS 1: returns once the relay has acknowledged it. */
    void light(boolean on) throws MqttException {
        publish("{\"system\":{\"sequence_id\":\"soak-" + ++sequence + "\",\"command\":\"ledctrl\",\"led_node\":\"chamber_light\","
                + "\"led_mode\":\"" + (on ? "on" : "off") + "\",\"led_on_time\":500,\"led_off_time\":500,\"loop_times\":0,"
                + "\"interval_time\":0}}", 1);
    }

    /** nanoTime at which the oldest unanswered pushall was sent, or 0. */
    long oldestUnansweredPushall() {
        return pushalls.values().stream().mapToLong(Long::longValue).min().orElse(0);
    }

    /** Forgets the pushalls sent before {@code nanos} (the printer went away after: they may go unanswered). */
    void forgetPushallsBefore(long nanos) {
        pushalls.values().removeIf(sent -> sent < nanos);
    }

    private void publish(String json, int qos) throws MqttException {
        MqttMessage message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
        message.setQos(qos);
        client.publish("device/" + serial + "/request", message);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close(true);
        } catch (MqttException e) {
            // gone anyway
        }
    }
}
