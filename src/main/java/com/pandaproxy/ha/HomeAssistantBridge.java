package com.pandaproxy.ha;

import com.pandaproxy.net.Backoff;
import com.pandaproxy.net.Errors;
import com.pandaproxy.net.LogGate;
import com.pandaproxy.net.Version;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterControl;
import com.pandaproxy.printer.PrinterStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Home Assistant over MQTT: discovery, states, availability, commands, snapshots.
 *
 * <p>All MQTT work runs on one "mqtt" thread of its own (plus Paho's network threads): the
 * printer's status listener only queues a snapshot and returns, so a broker that is down,
 * slow or refusing us never touches the video. Connection trouble is logged once per change
 * and retried for as long as the bridge runs.
 */
public final class HomeAssistantBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HomeAssistantBridge.class);

    static final long CLIENTS_MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long REFRESH_SECONDS = 60;
    private static final int QUEUE_LIMIT = 64;

    private final MqttSettings settings;
    private final PrinterControl control;
    private final Supplier<Optional<byte[]>> pictures;
    private final Topics topics;
    private final Discovery discovery;
    private final ScheduledExecutorService executor;
    /** Commands may take a while (a redetect probes the printer): they must not hold up states. */
    private final ExecutorService commands;
    private final MqttAsyncClient client;
    private final Backoff backoff = new Backoff(1000, 30_000);

    // handed over from other threads
    private final Queue<PrinterStatus> changes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean flushPending = new AtomicBoolean();
    private final AtomicInteger messagesPending = new AtomicInteger();
    private volatile boolean connected;
    private volatile boolean closed;

    // only touched on the mqtt thread
    private final Map<String, String> published = new HashMap<>();
    private CameraType discoveredType;
    private boolean discoveredRelay;
    private long clientsPublishedAt = System.nanoTime() - CLIENTS_MIN_INTERVAL_NANOS;
    private boolean clientsFlushScheduled;
    private boolean clientsOwed;
    private String lastProblem;
    private final LogGate ignoredLog = new LogGate(Duration.ofSeconds(10));

    public HomeAssistantBridge(MqttSettings settings, String serial, String printerAddress, PrinterControl control) {
        this(settings, serial, printerAddress, control, control::latestJpeg, null);
    }

    /**
     * @param control          the printer's status and commands
     * @param pictures         the camera entity's still images (called on the mqtt thread, may wait a little)
     * @param configurationUrl the device's link to the proxy's web page, or null for none
     */
    public HomeAssistantBridge(MqttSettings settings, String serial, String printerAddress, PrinterControl control,
            Supplier<Optional<byte[]>> pictures, String configurationUrl) {
        this.settings = settings;
        this.pictures = pictures;
        this.control = control;
        this.topics = new Topics(settings.discoveryPrefix(), settings.topicPrefix(), Topics.nodeId(serial, printerAddress));
        String shown = serial != null && !serial.isBlank() ? serial.trim() : printerAddress;
        this.discovery = new Discovery(topics, "PandaProxy " + shown, Version.current(), configurationUrl);
        this.executor = Executors.newSingleThreadScheduledExecutor(daemon("mqtt"));
        this.commands = Executors.newSingleThreadExecutor(daemon("mqtt-command"));
        try {
            this.client = new MqttAsyncClient(settings.brokerUri(), topics.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            executor.shutdownNow();
            commands.shutdownNow();
            throw new IllegalArgumentException("MQTT client for " + settings.brokerUri() + ": " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
    }

    public Topics topics() {
        return topics;
    }

    public boolean connected() {
        return connected;
    }

    /** Starts connecting in the background and returns at once; never throws for broker trouble. */
    public void start() {
        LOG.info("MQTT: connecting to {} as {} (discovery prefix {}, topics {}/{})", settings.brokerUri(),
                topics.clientId(), settings.discoveryPrefix(), settings.topicPrefix(), topics.nodeId());
        control.addListener(this::onStatus);
        run(this::connect);
        executor.scheduleAtFixedRate(guarded(this::refresh), REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
        int interval = settings.snapshotIntervalSeconds();
        if (interval > 0) {
            executor.scheduleAtFixedRate(guarded(this::snapshot), interval, interval, TimeUnit.SECONDS);
        }
    }

    /** Publishes {@code offline}, disconnects and stops the mqtt thread: within about 2 s. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Future<?> done = executor.submit(this::goOffline);
            done.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("MQTT shutdown did not finish cleanly: {}", e.toString());
        }
        executor.shutdownNow();
        commands.shutdownNow();
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("MQTT client close: {}", e.toString());
        }
        connected = false;
    }

    // ---- called on other threads: must not block ----

    private void onStatus(PrinterStatus status) {
        if (closed) {
            return;
        }
        if (queued.incrementAndGet() <= QUEUE_LIMIT) {
            changes.add(status);
        } else {
            queued.decrementAndGet(); // the flush ends with a fresh status anyway
        }
        if (flushPending.compareAndSet(false, true)) {
            run(this::flush);
        }
    }

    private void run(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** A failing task is logged and the thread carries on (a periodic one would otherwise stop for good). */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("MQTT: unexpected error, carrying on: {}", e.toString());
            }
        };
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            run(() -> onConnected(reconnect));
        }

        @Override
        public void connectionLost(Throwable cause) {
            connected = false;
            if (!closed) {
                run(() -> problem("MQTT connection to " + settings.brokerUri() + " lost (" + Errors.describe(cause) + "); reconnecting"));
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (messagesPending.incrementAndGet() > QUEUE_LIMIT) {
                messagesPending.decrementAndGet();
                return; // a flood: drop rather than queue without bound
            }
            byte[] payload = message.getPayload();
            run(() -> {
                messagesPending.decrementAndGet();
                onMessage(topic, payload);
            });
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }

    // ---- the mqtt thread ----

    private void connect() {
        if (closed || connected) {
            return;
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(30_000);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        options.setMaxInflight(200);
        options.setWill(topics.availability(), States.OFFLINE.getBytes(StandardCharsets.UTF_8), 1, true);
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().reveal().toCharArray());
        }
        if (settings.tls()) {
            try {
                options.setSocketFactory(MqttTls.socketFactory(settings));
            } catch (Exception e) {
                problem("MQTT TLS setup failed (" + e.getMessage() + "); retrying");
                retryLater();
                return;
            }
            options.setHttpsHostnameVerificationEnabled(!settings.insecure());
        }
        try {
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    // connectComplete does the work, for first connects and Paho's reconnects alike
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    run(() -> {
                        problem("MQTT broker " + settings.brokerUri() + " " + refusal(cause) + "; retrying");
                        retryLater();
                    });
                }
            });
        } catch (MqttException | RuntimeException e) {
            problem("MQTT connect to " + settings.brokerUri() + " failed (" + Errors.describe(e) + "); retrying");
            retryLater();
        }
    }

    /** Paho reconnects by itself only after a first success; until then we retry with backoff. */
    private void retryLater() {
        if (!closed) {
            try {
                executor.schedule(guarded(this::connect), backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed
            }
        }
    }

    private void onConnected(boolean reconnect) {
        if (closed) {
            return;
        }
        connected = true;
        backoff.reset();
        lastProblem = null;
        LOG.info("MQTT {} to {}; Home Assistant device {}", reconnect ? "reconnected" : "connected",
                settings.brokerUri(), topics.deviceId());
        try {
            List<String> filters = new ArrayList<>(List.of(topics.homeAssistantStatus(), topics.command()));
            for (Commands.Command c : Commands.Command.values()) {
                filters.add(topics.button(c.id()));
            }
            int[] qos = new int[filters.size()];
            Arrays.fill(qos, 1);
            client.subscribe(filters.toArray(new String[0]), qos);
        } catch (MqttException e) {
            LOG.warn("MQTT subscribe failed ({}); commands will not work until the next reconnect", Errors.describe(e));
        }
        // cleanSession and a broker that may have restarted empty: send everything again
        publish(topics.availability(), States.ONLINE.getBytes(StandardCharsets.UTF_8), 1, true);
        publishAll();
    }

    private void onMessage(String topic, byte[] payload) {
        if (closed) {
            return;
        }
        if (topic.equals(topics.homeAssistantStatus())) {
            if (new String(payload, StandardCharsets.UTF_8).trim().equals(States.ONLINE)) {
                LOG.info("Home Assistant is online: sending discovery and states again");
                publishAll();
            }
            return;
        }
        Commands.Command command = Commands.parse(topics, topic, payload).orElse(null);
        if (command == null) {
            if (ignoredLog.due()) {
                LOG.warn("MQTT: ignored {} on {} (expected {})", Commands.describe(payload), topic,
                        topic.equals(topics.command()) ? "reconnect, redetect or trust_certificate" : Commands.PRESS);
            }
            return;
        }
        String name = command.name().toLowerCase(Locale.ROOT);
        LOG.info("MQTT command: {}", name);
        try {
            commands.execute(() -> {
                try {
                    switch (command) {
                        case RECONNECT -> control.reconnect();
                        case REDETECT -> control.redetect();
                        case TRUST_CERTIFICATE -> control.trustNewCertificate();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("MQTT command {} failed: {}", name, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void flush() {
        flushPending.set(false);
        PrinterStatus s;
        while ((s = changes.poll()) != null) {
            queued.decrementAndGet();
            publishStates(s, false);
        }
        publishStates(control.status(), false);
    }

    private void refresh() {
        publishStates(control.status(), true);
    }

    private void publishAll() {
        PrinterStatus s = control.status();
        publishDiscovery(s);
        publishStates(s, true);
    }

    private void publishDiscovery(PrinterStatus s) {
        if (!connected) {
            return;
        }
        boolean ok = true;
        for (Discovery.Message m : discovery.configs(s.cameraType(), settings.snapshotIntervalSeconds() > 0, s.relay() != null)) {
            ok &= publish(m.topic(), m.payload(), 1, true);
        }
        discoveredType = ok ? s.cameraType() : null;
        discoveredRelay = s.relay() != null;
    }

    /** Publishes what changed since last time ({@code force}: everything); the client count at most once a second. */
    private void publishStates(PrinterStatus s, boolean force) {
        if (!connected) {
            return;
        }
        if (s.cameraType() != discoveredType || (s.relay() != null) != discoveredRelay) {
            publishDiscovery(s); // the camera entity comes or goes with the type, the relay's with the relay
        }
        for (Map.Entry<String, String> e : States.of(s).entrySet()) {
            String id = e.getKey();
            String value = e.getValue();
            boolean wanted = force || !value.equals(published.get(id));
            if (id.equals(States.CLIENTS)) {
                wanted |= clientsOwed;
                if (wanted && !clientsDue()) {
                    clientsOwed = true; // goes out with the booked flush, even if unchanged by then
                    continue;
                }
                clientsOwed = false;
            }
            if (!wanted) {
                continue;
            }
            String topic = id.equals(States.UPSTREAM_ATTRIBUTES) ? topics.upstreamAttributes() : topics.state(id);
            if (publish(topic, value.getBytes(StandardCharsets.UTF_8), 1, true)) {
                published.put(id, value);
                if (id.equals(States.CLIENTS)) {
                    clientsPublishedAt = System.nanoTime();
                }
            }
        }
    }

    /** True when the client count may go out now; else a flush is booked for when it may. */
    private boolean clientsDue() {
        long wait = clientsPublishedAt + CLIENTS_MIN_INTERVAL_NANOS - System.nanoTime();
        if (wait <= 0) {
            return true;
        }
        if (!clientsFlushScheduled) {
            clientsFlushScheduled = true;
            try {
                executor.schedule(guarded(() -> {
                    clientsFlushScheduled = false;
                    publishStates(control.status(), false);
                }), wait, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // closed
            }
        }
        return false;
    }

    private void snapshot() {
        if (!connected || control.status().cameraType() == CameraType.UNKNOWN) {
            return;
        }
        pictures.get().ifPresent(jpeg -> publish(topics.snapshot(), jpeg, 0, false));
    }

    private void goOffline() {
        try {
            if (connected) {
                client.publish(topics.availability(), States.OFFLINE.getBytes(StandardCharsets.UTF_8), 1, true)
                        .waitForCompletion(1000);
            }
        } catch (MqttException e) {
            LOG.debug("MQTT offline message not confirmed: {}", Errors.describe(e));
        }
        connected = false;
        try {
            client.disconnect(100).waitForCompletion(800);
        } catch (MqttException e) {
            try {
                client.disconnectForcibly(0, 100, false);
            } catch (MqttException ignored) {
                // closing anyway
            }
        }
        LOG.info("MQTT disconnected");
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private boolean publish(String topic, byte[] payload, int qos, boolean retained) {
        try {
            client.publish(topic, payload, qos, retained);
            return true;
        } catch (MqttException e) {
            LOG.debug("MQTT publish to {} failed: {}", topic, Errors.describe(e));
            return false;
        }
    }

    /** Logs a connection problem once; the same problem again stays quiet until something changes. */
    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            lastProblem = message;
            LOG.warn(message);
        } else {
            LOG.debug(message);
        }
    }

    private static String refusal(Throwable cause) {
        if (cause instanceof MqttException e) {
            int code = e.getReasonCode();
            if (code == MqttException.REASON_CODE_FAILED_AUTHENTICATION || code == MqttException.REASON_CODE_NOT_AUTHORIZED) {
                return "refused the user name or password";
            }
        }
        return "cannot be reached (" + Errors.describe(cause) + ")";
    }
}
