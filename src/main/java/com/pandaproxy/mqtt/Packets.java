package com.pandaproxy.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * A report as one ready-made MQTT PUBLISH packet (QoS 0, no retain), encoded once and written to
 * every client as a retained duplicate: Netty's {@code MqttEncoder} would copy the payload again
 * for each client.
 */
final class Packets {
    private Packets() {
    }

    /** The whole PUBLISH packet: fixed header, topic, payload. */
    static ByteBuf publish(ByteBufAllocator alloc, String topic, byte[] payload) {
        int topicLength = ByteBufUtil.utf8Bytes(topic);
        int remaining = 2 + topicLength + payload.length;
        ByteBuf packet = alloc.buffer(1 + lengthBytes(remaining) + remaining);
        packet.writeByte(0x30); // PUBLISH, DUP 0, QoS 0, RETAIN 0
        for (int value = remaining; ; ) {
            int digit = value % 128;
            value /= 128;
            packet.writeByte(value > 0 ? digit | 0x80 : digit);
            if (value == 0) {
                break;
            }
        }
        packet.writeShort(topicLength);
        ByteBufUtil.reserveAndWriteUtf8(packet, topic, topicLength);
        packet.writeBytes(payload);
        return packet;
    }

    /** Bytes of MQTT's variable-length "remaining length" field. */
    static int lengthBytes(int remaining) {
        return remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
    }
}
