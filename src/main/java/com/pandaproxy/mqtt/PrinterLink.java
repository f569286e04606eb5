package com.pandaproxy.mqtt;

import com.pandaproxy.net.Errors;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.UpstreamLifecycle;
import com.pandaproxy.printer.UpstreamLifecycle.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The relay's MQTT client on one connection to the printer: after TLS it logs in as {@code bblp}
 * with the access code, subscribes to the report topic, and once the serial number is known asks
 * for {@code get_version} and {@code pushall} and tells the {@link Hub} it is up. Reports go to the
 * hub (each one a sign of life for the watchdog); commands come in through {@link #send}. PINGREQ
 * when it has sent nothing for a while. On the lifecycle's event loop.
 *
 * <p>The serial number is the configured one, else the CN of the printer's certificate (BambuLab
 * printers put their serial there), else learned from the topic of the first report
 * ({@code device/+/report} is subscribed then).
 */
final class PrinterLink extends ChannelInboundHandlerAdapter implements UpstreamLifecycle.Session {
    /** Largest packet taken from the printer (a full report is 5–20 KB). */
    static final int MAX_REPORT_BYTES = 1024 * 1024;
    /** The relay's keep-alive towards the printer; a PINGREQ goes after half of it without a packet sent. */
    static final int KEEP_ALIVE_SECONDS = 60;
    /** What the printer's CN must look like to be taken as its serial number. */
    private static final String SERIAL_PATTERN = "[A-Za-z0-9]{6,64}";

    private final Connection c;
    private final Secret accessCode;
    private final Hub hub;
    private final Channel channel;
    private String serial;
    private boolean up;
    private boolean nudged;
    private int nextPacketId = 1;
    private long nextSequenceId = 1_000_000_000L + ThreadLocalRandom.current().nextInt(1_000_000);

    PrinterLink(Connection c, Secret accessCode, Hub hub) {
        this.c = c;
        this.accessCode = accessCode;
        this.hub = hub;
        this.serial = hub.serial();
        this.channel = c.channel();
        c.watch(); // TLS, the login and the subscription within the watchdog time, then a report in each
        channel.pipeline()
                .addLast("ping", new IdleStateHandler(0, KEEP_ALIVE_SECONDS / 2, 0))
                .addLast("decoder", new MqttDecoder(MAX_REPORT_BYTES))
                .addLast("encoder", MqttEncoder.INSTANCE)
                .addLast("link", this);
    }

    /** The printer's serial number, once known. */
    String serial() {
        return serial;
    }

    /** Whether commands may be sent. */
    boolean up() {
        return up && !c.over() && channel.isActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
            if (serial == null) {
                serial = certificateSerial(ctx.pipeline().get(SslHandler.class));
            }
            ctx.writeAndFlush(MqttMessageBuilders.connect()
                    .protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId("pandaproxy-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16))
                    .cleanSession(true)
                    .keepAlive(KEEP_ALIVE_SECONDS)
                    .hasUser(true)
                    .username(Bambu.USER)
                    .hasPassword(true)
                    .password(accessCode.reveal().getBytes(StandardCharsets.UTF_8))
                    .build());
        } else if (evt instanceof IdleStateEvent) {
            ctx.writeAndFlush(MqttMessage.PINGREQ);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            MqttMessage message = (MqttMessage) msg;
            if (c.over()) {
                return;
            }
            if (message.decoderResult().isFailure()) {
                c.fail("sent a malformed packet (" + Errors.describe(message.decoderResult().cause()) + ")");
                return;
            }
            MqttMessageType type = message.fixedHeader().messageType();
            switch (type) {
                case CONNACK -> connAck(ctx, (MqttConnAckMessage) message);
                case SUBACK -> subAck((MqttSubAckMessage) message);
                case PUBLISH -> publish(ctx, (MqttPublishMessage) message);
                case PUBREC -> ctx.writeAndFlush(Acks.of(MqttMessageType.PUBREL, Acks.id(message)));
                case PUBACK, PUBCOMP, PINGRESP, UNSUBACK -> {
                    // nothing to do: commands are not sent again, pings only keep the connection busy
                }
                default -> c.fail("sent an unexpected " + type);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void connAck(ChannelHandlerContext ctx, MqttConnAckMessage ack) {
        MqttConnectReturnCode code = ack.variableHeader().connectReturnCode();
        if (code == MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD
                || code == MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED) {
            c.rejected("refused the access code");
        } else if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            c.fail("refused the connection (" + code.name().toLowerCase(Locale.ROOT).replace("connection_refused_", "").replace('_', ' ') + ")");
        } else {
            String filter = Topics.report(serial == null ? "+" : serial);
            ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(packetId()).addSubscription(MqttQoS.AT_MOST_ONCE, filter).build());
        }
    }

    private void subAck(MqttSubAckMessage ack) {
        if (ack.payload().reasonCodes().isEmpty() || ack.payload().reasonCodes().get(0) >= 0x80) {
            c.fail("refused the subscription to its reports");
        } else if (serial != null) {
            becomeUp();
        }
    }

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            ctx.writeAndFlush(Acks.of(MqttMessageType.PUBACK, publish.variableHeader().packetId()));
        } else if (publish.fixedHeader().qosLevel() == MqttQoS.EXACTLY_ONCE) {
            ctx.writeAndFlush(Acks.of(MqttMessageType.PUBREC, publish.variableHeader().packetId()));
        }
        if (serial == null) {
            serial = Topics.serialOfReport(topic);
        }
        if (!up && serial != null) {
            becomeUp();
        }
        nudged = false;
        c.alive();
        hub.report(topic, publish.payload());
    }

    private void becomeUp() {
        up = true;
        c.alive(); // logged in and subscribed: the relay is connected to the printer
        hub.printerUp(this);
        getVersion();
        pushall();
    }

    /** Whether the connection to the printer takes more (below its write buffer's high water mark). */
    boolean writable() {
        return channel.isWritable();
    }

    /** Sends a command to the printer's request topic with {@code qos}; takes ownership of {@code payload}. */
    ChannelFuture send(MqttQoS qos, ByteBuf payload) {
        if (!up()) {
            payload.release();
            return channel.newFailedFuture(new IllegalStateException("printer not connected"));
        }
        int id = qos == MqttQoS.AT_MOST_ONCE ? 0 : packetId();
        // not MqttMessageBuilders.publish(): it copies the payload and leaves the original unreleased
        return channel.writeAndFlush(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, qos, false, 0),
                new MqttPublishVariableHeader(Topics.request(serial), id), payload));
    }

    /** Asks the printer for its whole state. */
    void pushall() {
        request("{\"pushing\":{\"sequence_id\":\"" + nextSequenceId++ + "\",\"command\":\"pushall\",\"version\":1,\"push_target\":1}}");
    }

    /** Asks the printer for its firmware versions. */
    void getVersion() {
        request("{\"info\":{\"sequence_id\":\"" + nextSequenceId++ + "\",\"command\":\"get_version\"}}");
    }

    private void request(String json) {
        send(MqttQoS.AT_MOST_ONCE, Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        c.fail("failed: " + Errors.describe(cause));
    }

    /** Goodbye: DISCONNECT, then TLS's close_notify and our half of TCP. */
    @Override
    public void leave() {
        channel.writeAndFlush(MqttMessage.DISCONNECT);
        c.closeTls();
    }

    /** Silent for the watchdog time: not logged in yet is a failure; else the printer is asked for something, once. */
    @Override
    public String silent() {
        if (!up) {
            return "did not finish the login and subscription";
        }
        if (!nudged) {
            nudged = true;
            hub.nudge();
            return null;
        }
        return "sent no report, even when asked,";
    }

    @Override
    public void ended() {
        up = false;
        hub.printerDown(this);
    }

    private int packetId() {
        int id = nextPacketId;
        nextPacketId = nextPacketId == 0xFFFF ? 1 : nextPacketId + 1;
        return id;
    }

    /** The CN of the printer's certificate if it looks like a serial number, else null. */
    static String certificateSerial(SslHandler tls) {
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String cn && cn.matches(SERIAL_PATTERN)) {
                    return cn;
                }
            }
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            // no usable certificate: the serial comes from the first report
        }
        return null;
    }
}
