package com.pandaproxy.ha;

import com.pandaproxy.testutil.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A plain MQTT client standing in for Home Assistant: records what arrives, publishes what HA would. */
public final class Probe implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);

    public record Received(String topic, byte[] payload, boolean retained, long nanos) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    public final List<Received> all = new CopyOnWriteArrayList<>();
    public final Map<String, Received> latest = new ConcurrentHashMap<>();
    private final MqttClient client;

    public Probe(String uri, String user, String password, String... filters) throws MqttException {
        client = new MqttClient(uri, "probe-" + System.nanoTime(), new MemoryPersistence());
        client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) {
                Received r = new Received(topic, m.getPayload(), m.isRetained(), System.nanoTime());
                all.add(r);
                latest.put(topic, r);
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(5);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        client.connect(options);
        for (String f : filters) {
            client.subscribe(f, 1);
        }
    }

    public String text(String topic) {
        Received r = latest.get(topic);
        return r == null ? null : r.text();
    }

    public void awaitText(String topic, String expected) {
        Await.until(topic + " = " + expected + " (now " + text(topic) + ")", WAIT, () -> expected.equals(text(topic)));
    }

    /** Waits until {@code topic} has received {@code expected} after the first {@code from} messages. */
    void awaitTextAfter(int from, String topic, String expected) {
        Await.until(topic + " = " + expected + " after message " + from, WAIT, () -> since(from).stream()
                .anyMatch(r -> r.topic().equals(topic) && r.text().equals(expected)));
    }

    /**
     * The messages after the first {@code from}, as they are now (a sub-list of the live list would
     * throw once the next message arrives).
     */
    public List<Received> since(int from) {
        List<Received> now = List.copyOf(all);
        return now.subList(from, now.size());
    }

    /** Index of the first message at or after {@code from} with that topic and text, or -1. */
    int indexOf(int from, String topic, String text) {
        for (int i = from; i < all.size(); i++) {
            if (all.get(i).topic().equals(topic) && all.get(i).text().equals(text)) {
                return i;
            }
        }
        return -1;
    }

    public void publish(String topic, String payload) throws MqttException {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    void publish(String topic, byte[] payload) throws MqttException {
        client.publish(topic, payload, 1, false);
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(200);
        }
        client.close(true);
    }
}
