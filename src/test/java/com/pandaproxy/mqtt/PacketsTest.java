package com.pandaproxy.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketsTest {
    @Test
    void aPublishPacketDecodesToItsTopicAndPayloadAtEveryLengthBoundary() {
        Random random = new Random(1);
        for (int size : new int[] {0, 1, 90, 127 - 16, 128, 16_383 - 40, 16_384, 70_000, 2_097_152}) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            String topic = "device/01P00A000000001/report";
            EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(4 * 1024 * 1024));
            channel.writeInbound(Packets.publish(ByteBufAllocator.DEFAULT, topic, payload));
            MqttPublishMessage message = channel.readInbound();
            assertFalse(message.decoderResult().isFailure(), "size " + size);
            assertEquals(topic, message.variableHeader().topicName());
            assertEquals(MqttQoS.AT_MOST_ONCE, message.fixedHeader().qosLevel());
            assertFalse(message.fixedHeader().isRetain());
            assertArrayEquals(payload, ByteBufUtil.getBytes(message.payload()), "size " + size);
            message.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void lengthFieldSizes() {
        assertEquals(1, Packets.lengthBytes(127));
        assertEquals(2, Packets.lengthBytes(128));
        assertEquals(2, Packets.lengthBytes(16_383));
        assertEquals(3, Packets.lengthBytes(16_384));
        assertEquals(4, Packets.lengthBytes(2_097_152));
    }
}
