package com.pandaproxy.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
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
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.ThreadLocalRandom;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The relay's MQTT client side on one connection to the printer: after TLS it logs in as {@code bblp}
 * with the access code, subscribes to the report topic, and once the serial number is known asks
 * for {@code get_version} and {@code pushall}. Reports go to the {@link Listener}; commands come in
 * through {@link #send}. PINGREQ when the connection has been quiet (an {@code IdleStateHandler}
 * before this handler reports it). Everything happens on the channel's event loop.
 *
 * <p>The serial number is the configured one, else the CN of the printer's certificate (BambuLab
 * printers put their serial there), else learned from the topic of the first report
 * ({@code device/+/report} is subscribed then).
 */
final class PrinterLink extends ChannelInboundHandlerAdapter {
    /** What the printer's CN must look like to be taken as its serial number. */
    private static final String SERIAL_PATTERN = "[A-Za-z0-9]{6,64}";
    private static final String USER = "bblp";

    /** What the link tells its owner; called on the channel's event loop. */
    interface Listener {
        /** Logged in and subscribed, serial known: commands may be sent now. */
        void up(PrinterLink link);

        /** A report from the printer. The payload is the listener's to read, not to keep (released after the call). */
        void report(String topic, ByteBuf payload);

        /** The printer refused the login; {@code badCode}: because of the user name or access code. */
        void refused(String reason, boolean badCode);
    }

    private final String accessCode;
    private final Listener listener;
    private String serial;
    private Channel channel;
    private boolean up;
    private int nextPacketId = 1;
    private long nextSequenceId = 1_000_000_000L + ThreadLocalRandom.current().nextInt(1_000_000);

    /** @param serial the configured serial number, or null */
    PrinterLink(String accessCode, String serial, Listener listener) {
        this.accessCode = accessCode;
        this.serial = serial;
        this.listener = listener;
    }

    /** The printer's serial number, once known. */
    String serial() {
        return serial;
    }

    /** Whether commands may be sent. */
    boolean up() {
        return up && channel != null && channel.isActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
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
                    .keepAlive(60)
                    .hasUser(true)
                    .username(USER)
                    .hasPassword(true)
                    .password(accessCode.getBytes(StandardCharsets.UTF_8))
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
            if (message.decoderResult().isFailure()) {
                throw new IllegalStateException("malformed packet from the printer: " + message.decoderResult().cause().getMessage());
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
                default -> throw new IllegalStateException("unexpected " + type + " from the printer");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void connAck(ChannelHandlerContext ctx, MqttConnAckMessage ack) {
        MqttConnectReturnCode code = ack.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            boolean badCode = code == MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD
                    || code == MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
            listener.refused(badCode ? "the printer refused the access code" : "the printer refused the connection (" + code + ")", badCode);
            ctx.close();
            return;
        }
        String filter = "device/" + (serial == null ? "+" : serial) + "/report";
        ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(packetId()).addSubscription(MqttQoS.AT_MOST_ONCE, filter).build());
    }

    private void subAck(MqttSubAckMessage ack) {
        if (ack.payload().reasonCodes().isEmpty() || ack.payload().reasonCodes().get(0) >= 0x80) {
            throw new IllegalStateException("the printer refused the report subscription");
        }
        if (serial != null) {
            becomeUp();
        }
    }

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        if (serial == null) {
            serial = Topics.serialOfReport(topic);
        }
        if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            ctx.writeAndFlush(Acks.of(MqttMessageType.PUBACK, publish.variableHeader().packetId()));
        } else if (publish.fixedHeader().qosLevel() == MqttQoS.EXACTLY_ONCE) {
            ctx.writeAndFlush(Acks.of(MqttMessageType.PUBREC, publish.variableHeader().packetId()));
        }
        if (!up && serial != null) {
            becomeUp();
        }
        listener.report(topic, publish.payload());
    }

    private void becomeUp() {
        up = true;
        listener.up(this);
        getVersion();
        pushall();
    }

    /** Sends a command to the printer's request topic with {@code qos}; takes ownership of {@code payload}. */
    ChannelFuture send(MqttQoS qos, ByteBuf payload) {
        if (!up()) {
            payload.release();
            return channel == null ? null : channel.newFailedFuture(new IllegalStateException("printer not connected"));
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
        send(MqttQoS.AT_MOST_ONCE, Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    /** Says goodbye (DISCONNECT) and closes. */
    ChannelFuture leave() {
        up = false;
        if (channel.isActive()) {
            channel.writeAndFlush(MqttMessage.DISCONNECT);
        }
        return channel.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        up = false;
        ctx.fireChannelInactive();
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
