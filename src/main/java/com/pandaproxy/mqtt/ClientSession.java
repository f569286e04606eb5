package com.pandaproxy.mqtt;

import com.pandaproxy.net.LoginGate;
import com.pandaproxy.printer.Bambu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of the relay, from CONNECT to goodbye, as the printer's broker would treat it: MQTT 3.1.1
 * only (MQTT 5 and 3.1 get a CONNACK saying so, then the connection is closed), user {@code bblp}
 * and the access code (compared in constant time; through the port's {@link LoginGate}: wrong codes
 * from an address that keeps guessing wait for their verdict, the login time limit counts from accept); keep-alive enforced (1.5 × the client's interval), PINGREQ
 * answered, sessions always clean. Only the printer's request topic may be published to, with
 * payloads up to {@link MqttRelaySettings#MAX_COMMAND_BYTES} that are JSON objects; anything else
 * malformed or unexpected closes the connection with one log line.
 */
final class ClientSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    /** Topic filters one client may hold. */
    static final int MAX_FILTERS = 32;
    /** QoS 2 commands one client may have waiting for its PUBREL. */
    static final int MAX_QOS2_IN_FLIGHT = 64;
    /** A client with keep-alive 0 that neither sends nor gets anything this long is closed. */
    static final java.time.Duration IDLE_LIMIT = java.time.Duration.ofMinutes(10);
    /** How often a client may see a "dropped" line about its commands in the log. */
    static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Hub hub;
    private final byte[] expectedCode;
    private final LoginGate.Login login;
    private final List<String> filters = new ArrayList<>();
    private final Set<Integer> qos2Waiting = new HashSet<>();
    private Channel channel;
    private String clientId;
    private String localHost;
    private boolean connectSeen;
    private boolean joined;
    private boolean reported;
    private long lastDropLogNanos;
    private int droppedSinceLog;
    // the last topic asked about and whether a filter matched it (the report topic, every time)
    private String matchedTopic;
    private boolean matched;

    /** @param login this connection's way in (the login time limit, the throttle on wrong codes) */
    ClientSession(Hub hub, byte[] expectedCode, LoginGate.Login login) {
        this.hub = hub;
        this.expectedCode = expectedCode;
        this.login = login;
    }

    String clientId() {
        return clientId;
    }

    /** The proxy's address as this client reached it (for camera URLs in reports). */
    String localHost() {
        return localHost;
    }

    boolean active() {
        return channel.isActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        localHost = channel.localAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "127.0.0.1";
        // the close future fires however the connection ends, even if it never became active
        channel.closeFuture().addListener(f -> gone());
    }

    private void gone() {
        if (joined) {
            joined = false;
            hub.leave(this);
            LOG.info("MQTT client {} left", describe());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage message) || reported) {
                return;
            }
            if (message.decoderResult().isFailure()) {
                malformed(message.decoderResult().cause());
                return;
            }
            MqttMessageType type = message.fixedHeader().messageType();
            if (!connectSeen) {
                if (type != MqttMessageType.CONNECT) {
                    refuse("sent " + type + " before CONNECT");
                    return;
                }
                connectSeen = true;
                connect((MqttConnectMessage) message);
                return;
            }
            if (!joined) {
                refuse("sent " + type + " before its login was answered");
                return;
            }
            switch (type) {
                case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
                case SUBSCRIBE -> subscribe((MqttSubscribeMessage) message);
                case UNSUBSCRIBE -> unsubscribe((MqttUnsubscribeMessage) message);
                case PUBLISH -> publish((MqttPublishMessage) message);
                case PUBREL -> {
                    int id = Acks.id(message);
                    qos2Waiting.remove(id);
                    ctx.writeAndFlush(Acks.of(MqttMessageType.PUBCOMP, id));
                }
                case DISCONNECT -> ctx.close();
                default -> refuse("sent an unexpected " + type);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    // ---- login

    private void connect(MqttConnectMessage connect) {
        MqttVersion version = MqttVersion.fromProtocolNameAndLevel(connect.variableHeader().name(),
                (byte) connect.variableHeader().version());
        if (version == MqttVersion.MQTT_5) {
            connAck(MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION, "asked for MQTT 5; the relay speaks MQTT 3.1.1, as the printer does");
            return;
        }
        if (version != MqttVersion.MQTT_3_1_1) {
            connAck(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, "asked for MQTT 3.1; the relay speaks MQTT 3.1.1");
            return;
        }
        String id = connect.payload().clientIdentifier();
        if (id == null || id.isEmpty()) {
            if (!connect.variableHeader().isCleanSession()) {
                connAck(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "an empty client id needs a clean session");
                return;
            }
            id = "pandaproxy-client-" + Integer.toHexString(System.identityHashCode(this));
        }
        clientId = id;
        boolean accepted = connect.variableHeader().hasUserName() && connect.variableHeader().hasPassword()
                && Bambu.USER.equals(connect.payload().userName())
                && MessageDigest.isEqual(expectedCode, connect.payload().passwordInBytes());
        int keepAlive = connect.variableHeader().keepAliveTimeSeconds();
        if (!accepted) {
            // held back by the throttle when this address keeps guessing; a right code never is
            channel.config().setAutoRead(false);
            login.failed(() -> connAck(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "wrong user name or access code"));
            return;
        }
        login.passed();
        if (!hub.join(this)) {
            connAck(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, "logged in, but --max-clients clients are already connected");
            return;
        }
        joined = true;
        // MQTT 3.1.1, 3.1.2.10: nothing from the client for one and a half times its keep-alive.
        // Keep-alive 0 turns that off; a client that then neither sends nor gets anything for
        // IDLE_LIMIT (it subscribed to nothing and has vanished) still gives its place back.
        channel.pipeline().addBefore("session", "keep-alive", keepAlive > 0
                ? new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS)
                : new IdleStateHandler(0, 0, IDLE_LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        channel.writeAndFlush(MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(false)
                .build());
        LOG.info("MQTT client {} joined", describe());
    }

    /** Refuses the login with {@code code}, says why in the log, and closes. */
    private void connAck(MqttConnectReturnCode code, String reason) {
        MqttConnAckMessage ack = MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
        channel.writeAndFlush(ack).addListener(ChannelFutureListener.CLOSE);
        log(reason);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            refuse(idle.state() == IdleState.ALL_IDLE
                    ? "nothing sent or received for " + IDLE_LIMIT.toMinutes() + " minutes (keep-alive 0)"
                    : "silent for longer than one and a half keep-alive intervals");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    // ---- subscriptions

    private void subscribe(MqttSubscribeMessage subscribe) {
        String reports = hub.serial() == null ? null : Topics.report(hub.serial());
        boolean before = reports != null && subscribedTo(reports);
        MqttMessageBuilders.SubAckBuilder ack = MqttMessageBuilders.subAck().packetId(subscribe.variableHeader().messageId());
        for (MqttTopicSubscription s : subscribe.payload().topicSubscriptions()) {
            String filter = s.topicFilter();
            if (!TopicFilter.valid(filter)) {
                refuse("subscribed to a malformed topic filter");
                return;
            }
            if (!filters.contains(filter)) {
                if (filters.size() >= MAX_FILTERS) {
                    refuse("subscribed to more than " + MAX_FILTERS + " topic filters");
                    return;
                }
                filters.add(filter);
            }
            ack.addGrantedQos(MqttQoS.AT_MOST_ONCE); // reports are relayed at QoS 0, as the printer sends them
        }
        matchedTopic = null;
        channel.writeAndFlush(ack.build());
        if (reports != null && !before && subscribedTo(reports)) {
            hub.subscribed(this);
        }
    }

    private void unsubscribe(MqttUnsubscribeMessage unsubscribe) {
        filters.removeAll(unsubscribe.payload().topics());
        matchedTopic = null;
        channel.writeAndFlush(MqttMessageBuilders.unsubAck().packetId(unsubscribe.variableHeader().messageId()).build());
    }

    /** Whether one of this client's filters matches {@code topic}. */
    boolean subscribedTo(String topic) {
        if (!topic.equals(matchedTopic)) {
            matched = filters.stream().anyMatch(f -> TopicFilter.matches(f, topic));
            matchedTopic = topic;
        }
        return matched;
    }

    // ---- commands

    private void publish(MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        String target = Topics.serialOfRequest(topic);
        if (target == null || hub.serial() != null && !hub.serial().equals(target)) {
            refuse("published to " + printable(topic) + ", not the printer's request topic");
            return;
        }
        ByteBuf payload = publish.payload();
        if (payload.readableBytes() > MqttRelaySettings.MAX_COMMAND_BYTES) {
            refuse("published " + payload.readableBytes() + " bytes, more than " + MqttRelaySettings.MAX_COMMAND_BYTES);
            return;
        }
        ClientCommand command;
        try {
            command = ClientCommand.parse(ByteBufUtil.getBytes(payload));
        } catch (IOException e) {
            refuse("published a command that is not a JSON object");
            return;
        }
        MqttQoS qos = publish.fixedHeader().qosLevel();
        int id = publish.variableHeader().packetId();
        if (qos == MqttQoS.EXACTLY_ONCE && !qos2Waiting.add(id)) {
            acknowledge(qos, id); // sent again before our PUBREC arrived: already forwarded once
            return;
        }
        if (qos2Waiting.size() > MAX_QOS2_IN_FLIGHT) {
            refuse("has more than " + MAX_QOS2_IN_FLIGHT + " QoS 2 commands unfinished");
            return;
        }
        ChannelFuture forwarded = hub.command(this, command, qos, payload.retain());
        if (forwarded == null) {
            acknowledge(qos, id);
        } else {
            // acknowledged once written to the printer; a failed write means the printer went away
            // mid-command: acknowledged all the same, so the client does not send it again later
            forwarded.addListener(f -> {
                if (!f.isSuccess()) {
                    dropped("the printer connection closed while it was forwarded");
                }
                acknowledge(qos, id);
            });
        }
    }

    private void acknowledge(MqttQoS qos, int packetId) {
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            channel.writeAndFlush(Acks.of(MqttMessageType.PUBACK, packetId));
        } else if (qos == MqttQoS.EXACTLY_ONCE) {
            channel.writeAndFlush(Acks.of(MqttMessageType.PUBREC, packetId));
        }
    }

    /** A command of this client's was not forwarded: logged at most once a minute per client. */
    void dropped(String why) {
        droppedSinceLog++;
        long now = System.nanoTime();
        if (lastDropLogNanos == 0 || now - lastDropLogNanos >= DROP_LOG_INTERVAL_NANOS) {
            LOG.warn("MQTT client {}: {} command(s) dropped: {} (commands are not kept for later)", printable(clientId), droppedSinceLog, why);
            lastDropLogNanos = now == 0 ? 1 : now;
            droppedSinceLog = 0;
        }
    }

    // ---- reports to the client

    /** Writes one ready-made packet (owned by this method); a client whose backlog is full is disconnected. */
    void deliver(ByteBuf packet) {
        if (!channel.isActive()) {
            packet.release();
            return;
        }
        if (!channel.isWritable()) {
            packet.release();
            log("cannot keep up with the printer's reports (backlog full)");
            // no TLS goodbye: it would wait behind the backlog the client does not read (and Netty
            // would log its own line when that times out)
            if (channel.pipeline().get("tls") != null) {
                channel.pipeline().remove("tls");
            }
            channel.close();
            return;
        }
        channel.writeAndFlush(packet, channel.voidPromise());
    }

    // ---- ending

    /** Closes the connection, saying why in one log line. */
    void refuse(String reason) {
        log(reason);
        channel.close();
    }

    /** Closes the connection without a word (the relay is stopping). */
    void close() {
        reported = true;
        channel.close();
    }

    private void log(String reason) {
        if (!reported) {
            reported = true;
            LOG.info("MQTT client {} refused: {}", describe(), reason);
        }
    }

    private String describe() {
        return clientId == null ? String.valueOf(channel.remoteAddress()) : printable(clientId) + " (" + channel.remoteAddress() + ")";
    }

    /** A client's own text (its id, a topic) for the log: control characters escaped (one event, one line), at most 200 characters. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (; i < text.length() && b.length() < 200; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == (char) 0x2028 || c == (char) 0x2029) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return i < text.length() ? b + "…" : b.toString();
    }

    private void malformed(Throwable cause) {
        if (!connectSeen && cause instanceof MqttUnacceptableProtocolVersionException) {
            connectSeen = true;
            connAck(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, "asked for an unknown MQTT version");
        } else if (!connectSeen && cause instanceof MqttIdentifierRejectedException) {
            connectSeen = true;
            connAck(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "sent an invalid client id");
        } else if (cause instanceof TooLongFrameException) {
            refuse("sent a packet larger than " + MqttRelaySettings.MAX_COMMAND_BYTES + " bytes");
        } else {
            refuse("sent a malformed packet");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause.getCause() != null && !(cause instanceof NotSslRecordException) ? cause.getCause() : cause;
        if (joined && root instanceof IOException) {
            LOG.debug("MQTT client {}: {}", describe(), root.toString());
            close(); // gone without a DISCONNECT (a reset): its leaving is logged, not a refusal
            return;
        }
        String reason = root instanceof NotSslRecordException ? "not TLS"
                : root instanceof SslHandshakeTimeoutException ? "TLS not finished in time"
                : root instanceof javax.net.ssl.SSLException ? "TLS failed: " + root.getMessage()
                : root instanceof IOException ? "connection error: " + root.getMessage()
                : null;
        if (reason == null) { // not the client's doing: a bug of ours, so a warning
            if (!reported) {
                reported = true;
                LOG.warn("MQTT relay: unexpected error, closing client {}: {}", describe(), root.toString()); // a client's text never first
            }
            channel.close();
            return;
        }
        refuse(reason);
    }

    /** The access code as the bytes a CONNECT's password must equal. */
    static byte[] codeBytes(String accessCode) {
        return accessCode.getBytes(StandardCharsets.UTF_8);
    }
}
