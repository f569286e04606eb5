package com.pandaproxy.mqtt;

import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;

/** The packets that acknowledge a QoS 1 or 2 PUBLISH: PUBACK, PUBREC, PUBREL, PUBCOMP. */
final class Acks {
    private Acks() {
    }

    static MqttMessage of(MqttMessageType type, int packetId) {
        // PUBREL is the one with flags 0010 (MQTT 3.1.1, 3.6.1)
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 2), MqttMessageIdVariableHeader.from(packetId));
    }

    /** The packet identifier of an acknowledgement. */
    static int id(MqttMessage ack) {
        return ((MqttMessageIdVariableHeader) ack.variableHeader()).messageId();
    }
}
