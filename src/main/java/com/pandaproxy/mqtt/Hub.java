package com.pandaproxy.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The middle of the relay: the printer's state, the clients, and what goes between them. Every
 * report goes to every client subscribed to a matching filter, encoded once; a client whose backlog
 * is full is disconnected ({@link ClientSession#deliver}). A client that subscribes gets the whole
 * state at once; its {@code pushall} and {@code get_version} are answered from what the relay knows;
 * other commands go to the printer in arrival order, or are dropped while the printer is away (a
 * late "stop" would be dangerous). Confined to one event loop: the printer connection and every
 * client channel live on it, so nothing here takes a lock.
 */
final class Hub {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    /** A client's {@code pushall} asked while the state was not complete yet. */
    private record Owed(ClientSession session, JsonNode sequenceId) {
    }

    /** How long an answer to {@code pushall} may take before it is asked for again, while the state is not whole. */
    static final long PUSHALL_RETRY_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final EventLoop loop;
    private final int maxClients;
    private final int cameraPort;
    private final long pushallIntervalNanos;
    private final LongSupplier clock;
    private final Runnable onChange;
    private final PrinterState state = new PrinterState();
    private final Set<ClientSession> sessions = new LinkedHashSet<>();
    private final Map<String, ClientSession> byClientId = new HashMap<>();
    private final List<Owed> owed = new ArrayList<>();
    private String serial;
    private PrinterLink link; // the printer connection while it is up, else null
    private long lastPushallNanos;

    /**
     * @param serial     the configured serial number, or null
     * @param maxClients clients served at once (--max-clients)
     * @param cameraPort the proxy's RTSP port that camera URLs in reports are rewritten to, or 0
     * @param onChange   called (on the loop) when the printer comes or goes, or a client joins or leaves
     */
    Hub(EventLoop loop, String serial, int maxClients, int cameraPort, long pushallIntervalNanos, LongSupplier clock, Runnable onChange) {
        this.loop = loop;
        this.maxClients = maxClients;
        this.serial = serial;
        this.cameraPort = cameraPort;
        this.pushallIntervalNanos = pushallIntervalNanos;
        this.clock = clock;
        this.onChange = onChange;
        this.lastPushallNanos = clock.getAsLong() - pushallIntervalNanos;
    }

    /** The printer's serial number once known (configured, or learned from the printer). */
    String serial() {
        return serial;
    }

    /** Whether the printer is connected (commands can be forwarded). */
    boolean printerUp() {
        return link != null && link.up();
    }

    /** Clients logged in. */
    int clients() {
        return sessions.size();
    }

    // ---- the printer side

    /** The printer connection is up: it has just asked for get_version and pushall itself. */
    void printerUp(PrinterLink up) {
        link = up;
        serial = up.serial();
        lastPushallNanos = clock.getAsLong();
        onChange.run();
    }

    /** A printer connection is gone: what the relay knew may no longer hold when it is back. */
    void printerDown(PrinterLink gone) {
        if (link != gone) {
            return;
        }
        link = null;
        state.clear();
        owed.clear();
        onChange.run();
    }

    /**
     * The printer has said nothing for a while: asks it for something it answers (a sign of life):
     * its whole state if a {@code pushall} is due, else its versions.
     */
    void nudge() {
        if (printerUp() && !pushallIfDue()) {
            link.getVersion();
        }
    }

    /**
     * Asks the printer for {@code pushall} unless it was asked less than the interval ago: P1 firmware
     * lags when asked often. While the relay has no whole state, the last answer is taken as lost after
     * {@link #PUSHALL_RETRY_NANOS} (a printer that was busy or stalled when the connection came up):
     * otherwise clients would get no whole state until the interval (5 minutes) has passed.
     */
    private boolean pushallIfDue() {
        long now = clock.getAsLong();
        long interval = state.complete() ? pushallIntervalNanos : Math.min(pushallIntervalNanos, PUSHALL_RETRY_NANOS);
        if (now - lastPushallNanos < interval) {
            return false;
        }
        lastPushallNanos = now;
        link.pushall();
        return true;
    }

    /** One report from the printer, to every subscribed client. */
    void report(String topic, ByteBuf payload) {
        assert loop.inEventLoop();
        byte[] bytes = ByteBufUtil.getBytes(payload);
        boolean wasComplete = state.complete();
        PrinterState.Report report = state.accept(bytes);
        boolean rewrite = cameraPort > 0 && report.json() != null && CameraUrl.present(report.json());
        ByteBuf packet = null;
        Map<String, ByteBuf> packets = rewrite ? new HashMap<>() : null;
        try {
            for (ClientSession s : new ArrayList<>(sessions)) {
                if (!s.subscribedTo(topic)) {
                    continue;
                }
                ByteBuf p;
                if (rewrite) {
                    p = packets.computeIfAbsent(s.localHost(), host -> Packets.publish(ByteBufAllocator.DEFAULT, topic,
                            PrinterState.bytes(CameraUrl.rewrite(report.json(), host, cameraPort))));
                } else {
                    if (packet == null) {
                        packet = Packets.publish(ByteBufAllocator.DEFAULT, topic, bytes);
                    }
                    p = packet;
                }
                s.deliver(p.retainedDuplicate());
            }
        } finally {
            if (packet != null) {
                packet.release();
            }
            if (packets != null) {
                packets.values().forEach(ByteBuf::release);
            }
        }
        if (!wasComplete && state.complete()) {
            for (Owed o : owed) {
                if (o.session().active()) {
                    sendState(o.session(), o.sequenceId());
                }
            }
            owed.clear();
        } else if (!state.complete() && printerUp()) {
            pushallIfDue(); // the printer reports changes, but its whole state has not come
        }
    }

    // ---- the client side

    /**
     * A client has logged in: false if {@code maxClients} clients are connected already. A client
     * connected with the same client id is closed (MQTT 3.1.1, 3.1.4): its place goes to the new one.
     */
    boolean join(ClientSession session) {
        ClientSession old = byClientId.get(session.clientId());
        if (old == null && sessions.size() >= maxClients) {
            return false;
        }
        if (old != null) {
            leave(old);
            old.refuse("a new connection with the same client id took over");
        }
        byClientId.put(session.clientId(), session);
        sessions.add(session);
        onChange.run();
        return true;
    }

    void leave(ClientSession session) {
        if (sessions.remove(session)) {
            byClientId.remove(session.clientId(), session);
            owed.removeIf(o -> o.session() == session);
            onChange.run();
        }
    }

    /** The client now has a subscription matching the printer's reports: it gets the whole state at once. */
    void subscribed(ClientSession session) {
        if (printerUp() && state.complete()) {
            sendState(session, null); // with the sequence_id of the printer's last report
        }
    }

    /**
     * A command from a client, for the printer's request topic.
     *
     * @param payload the command, which this method owns
     * @return the forwarding's future, or null when the command was answered here or dropped
     */
    ChannelFuture command(ClientSession session, ClientCommand command, MqttQoS qos, ByteBuf payload) {
        if (!printerUp()) {
            payload.release();
            session.dropped("the printer is not connected");
            return null;
        }
        if (command.type() != ClientCommand.Type.PUSHALL && !link.writable()) {
            // bounded: commands never pile up in the proxy behind a printer that reads slowly
            payload.release();
            session.dropped("the printer is not taking commands as fast as they come");
            return null;
        }
        switch (command.type()) {
            case PUSHALL -> {
                payload.release();
                if (state.complete()) {
                    sendState(session, command.sequenceId());
                } else { // one answer owed per client, however often it asks
                    owed.removeIf(o -> o.session() == session);
                    owed.add(new Owed(session, command.sequenceId()));
                }
                pushallIfDue(); // the answer here is from the relay's state; the printer's refreshes it
                return null;
            }
            case GET_VERSION -> {
                ObjectNode answer = state.versionAnswer(command.sequenceId());
                if (answer != null) {
                    payload.release();
                    send(session, answer);
                    return null;
                }
                return link.send(qos, payload); // not known yet: the printer's answer goes to everyone
            }
            default -> {
                return link.send(qos, payload);
            }
        }
    }

    /** Closes every client (the relay is stopping). */
    void closeAll() {
        for (ClientSession s : new ArrayList<>(sessions)) {
            s.close();
        }
    }

    private void sendState(ClientSession session, JsonNode sequenceId) {
        ObjectNode full = state.fullReport(sequenceId);
        if (full != null) {
            send(session, full);
        }
    }

    /** One report to one client, if it subscribed to the printer's reports. */
    private void send(ClientSession session, ObjectNode report) {
        String topic = Topics.report(serial);
        if (!session.subscribedTo(topic)) {
            return;
        }
        if (cameraPort > 0 && CameraUrl.present(report)) {
            report = CameraUrl.rewrite(report, session.localHost(), cameraPort);
        }
        session.deliver(Packets.publish(ByteBufAllocator.DEFAULT, topic, PrinterState.bytes(report)));
    }
}
