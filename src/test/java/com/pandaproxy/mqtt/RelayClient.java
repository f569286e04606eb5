package com.pandaproxy.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Assertions;

/** A Java MQTT client (Eclipse Paho) of the relay, over TLS trusting the proxy's certificate, as tools do. */
public final class RelayClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final MqttClient client;
    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    volatile Throwable lost;

    public RelayClient(int port, String id) throws MqttException {
        client = new MqttClient("ssl://127.0.0.1:" + port, id, new MemoryPersistence());
        client.setTimeToWait(10_000); // a publish whose connection the relay closes must not wait for ever (Paho can miss the loss)
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost = cause;
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws IOException {
                received.add(JSON.readTree(message.getPayload()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    /** MQTT 3.1.1 over TLS that trusts any certificate (the proxy's is self-signed), as the printer's tools connect. */
    public static MqttConnectOptions options(String user, String password) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        options.setHttpsHostnameVerificationEnabled(false);
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            options.setSocketFactory(tls.getSocketFactory());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return options;
    }

    /** Connects as bblp with {@code code} and subscribes to the printer's reports. */
    public RelayClient connect(String code, String serial) throws MqttException {
        client.connect(options("bblp", code));
        client.subscribe("device/" + serial + "/report", 0);
        return this;
    }

    void publish(String serial, String json, int qos) throws MqttException {
        MqttMessage message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
        message.setQos(qos);
        client.publish("device/" + serial + "/request", message);
    }

    /** The next report, failing after {@code timeout}. */
    public JsonNode next(Duration timeout) throws InterruptedException {
        JsonNode report = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (report == null) {
            Assertions.fail("no report within " + timeout.toMillis() + " ms" + (lost == null ? "" : " (connection lost: " + lost + ")"));
        }
        return report;
    }

    /** Skips reports until one matches, failing after {@code timeout}. */
    public JsonNode await(Duration timeout, Predicate<JsonNode> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode report = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
            if (report == null) {
                Assertions.fail("no matching report within " + timeout.toMillis() + " ms" + (lost == null ? "" : " (connection lost: " + lost + ")"));
            }
            if (wanted.test(report)) {
                return report;
            }
        }
    }

    boolean connected() {
        return client.isConnected();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(1000);
        }
        client.close(true);
    }
}
