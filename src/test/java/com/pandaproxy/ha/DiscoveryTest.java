package com.pandaproxy.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.tls.CertificateState;
import com.pandaproxy.tls.TrustStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Discovery payloads, state payloads, commands and topic names, without a broker. */
class DiscoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Topics topics = new Topics("homeassistant", "pandaproxy", "01s00c123");
    private final Discovery discovery = new Discovery(topics, "PandaProxy 01S00C123", "1.2.3");

    @Test
    void nodeIdComesFromTheSerialElseTheAddressAndIsTopicSafe() {
        assertEquals("01s00c123", Topics.nodeId("01S00C123", "192.0.2.1"));
        assertEquals("192_168_1_20", Topics.nodeId(null, "192.168.1.20"));
        assertEquals("192_168_1_20", Topics.nodeId(" ", "192.168.1.20"));
        assertEquals("fe80__1_eth0", Topics.nodeId(null, "fe80::1%eth0"));
        assertEquals("a_b_c", Topics.nodeId("a/b#c", null));
        assertEquals("printer", Topics.nodeId(null, null));
        assertEquals("pandaproxy-01s00c123", topics.clientId());
        assertEquals("homeassistant/sensor/01s00c123/clients/config", topics.discovery("sensor", "clients"));
    }

    @Test
    void everyConfigIsJsonWithUniqueIdDeviceAvailabilityAndATopic() throws Exception {
        List<Discovery.Message> configs = discovery.configs(CameraType.CHAMBER, true, true);
        assertEquals(15, configs.size());
        Set<String> uniqueIds = new HashSet<>();
        for (Discovery.Message m : configs) {
            JsonNode c = JSON.readTree(m.payload());
            String component = m.topic().split("/")[1];
            assertTrue(uniqueIds.add(c.path("unique_id").asText()), "unique ids differ: " + m.topic());
            assertTrue(c.path("unique_id").asText().startsWith("pandaproxy_01s00c123_"), m.topic());
            assertTrue(c.path("name").isTextual(), m.topic());
            assertEquals("pandaproxy/01s00c123/availability", c.path("availability_topic").asText(), m.topic());
            JsonNode device = c.path("device");
            assertEquals("pandaproxy_01s00c123", device.path("identifiers").path(0).asText(), m.topic());
            assertEquals("PandaProxy 01S00C123", device.path("name").asText());
            assertEquals("1.2.3", device.path("sw_version").asText());
            assertTrue(device.path("manufacturer").isTextual() && device.path("model").isTextual());
            String topicKey = switch (component) {
                case "button" -> "command_topic";
                case "camera" -> "topic";
                default -> "state_topic";
            };
            assertTrue(c.path(topicKey).asText().startsWith("pandaproxy/01s00c123/"), m.topic() + " " + topicKey);
            assertFalse(new String(m.payload(), StandardCharsets.UTF_8).contains("password"));
        }
    }

    @Test
    void entitiesCarryTheirClassesAndCategories() throws Exception {
        Map<String, JsonNode> byTopic = new java.util.HashMap<>();
        for (Discovery.Message m : discovery.configs(CameraType.CHAMBER, true, true)) {
            byTopic.put(m.topic(), JSON.readTree(m.payload()));
        }
        JsonNode type = byTopic.get(topics.discovery("sensor", "camera_type"));
        assertEquals("enum", type.path("device_class").asText());
        assertEquals("[\"chamber\",\"rtsp\",\"unknown\"]", type.path("options").toString());
        assertEquals("measurement", byTopic.get(topics.discovery("sensor", "clients")).path("state_class").asText());
        assertEquals("connectivity", byTopic.get(topics.discovery("binary_sensor", "printer_camera")).path("device_class").asText());
        JsonNode reconnect = byTopic.get(topics.discovery("button", "reconnect"));
        assertEquals("restart", reconnect.path("device_class").asText());
        assertEquals("PRESS", reconnect.path("payload_press").asText());
        assertEquals("config", byTopic.get(topics.discovery("button", "redetect")).path("entity_category").asText());
        for (String diagnostic : List.of("frame_rate", "bitrate", "last_frame", "reconnects", "upstream_state", "printer_certificate")) {
            assertEquals("diagnostic", byTopic.get(topics.discovery("sensor", diagnostic)).path("entity_category").asText(), diagnostic);
        }
        assertEquals("timestamp", byTopic.get(topics.discovery("sensor", "last_frame")).path("device_class").asText());
        assertEquals("Chamber", byTopic.get(topics.discovery("camera", "chamber")).path("name").asText());
        JsonNode certificate = byTopic.get(topics.discovery("sensor", "printer_certificate"));
        assertEquals("enum", certificate.path("device_class").asText());
        assertEquals("[\"verified\",\"pinned\",\"changed\",\"refused\",\"off\"]", certificate.path("options").toString());
        assertEquals("pandaproxy/01s00c123/printer_certificate_attributes", certificate.path("json_attributes_topic").asText());
        JsonNode trust = byTopic.get(topics.discovery("button", "trust_certificate"));
        assertEquals("Trust the printer's new certificate", trust.path("name").asText());
        assertEquals("config", trust.path("entity_category").asText());
        JsonNode printerMqtt = byTopic.get(topics.discovery("binary_sensor", "printer_mqtt"));
        assertEquals("Printer MQTT", printerMqtt.path("name").asText());
        assertEquals("connectivity", printerMqtt.path("device_class").asText());
        JsonNode mqttClients = byTopic.get(topics.discovery("sensor", "mqtt_clients"));
        assertEquals("MQTT clients", mqttClients.path("name").asText());
        assertEquals("measurement", mqttClients.path("state_class").asText());
    }

    @Test
    void relayEntitiesOnlyWithTheRelay() {
        Map<String, Integer> sizes = new java.util.HashMap<>();
        for (Discovery.Message m : discovery.configs(CameraType.CHAMBER, true, false)) {
            sizes.put(m.topic(), m.payload().length);
        }
        assertEquals(0, sizes.get(topics.discovery("binary_sensor", "printer_mqtt")), "empty retained config removes the entity");
        assertEquals(0, sizes.get(topics.discovery("sensor", "mqtt_clients")));
        assertTrue(sizes.get(topics.discovery("sensor", "clients")) > 0);
    }

    @Test
    void cameraEntityOnceTheTypeIsKnownWithSnapshots() {
        for (var c : List.of(discovery.configs(CameraType.UNKNOWN, true, false), discovery.configs(CameraType.CHAMBER, false, true),
                discovery.configs(CameraType.RTSP, false, false))) {
            Discovery.Message camera = c.get(c.size() - 1);
            assertEquals(topics.discovery("camera", "chamber"), camera.topic());
            assertEquals(0, camera.payload().length, "empty retained config removes the entity");
        }
        for (var c : List.of(discovery.configs(CameraType.CHAMBER, true, false), discovery.configs(CameraType.RTSP, true, false))) {
            assertTrue(c.get(c.size() - 1).payload().length > 0, "chamber image and RTSP printers have the camera entity");
        }
    }

    @Test
    void deviceLinksToThePageWhenThereIsOne() throws Exception {
        assertTrue(JSON.readTree(discovery.configs(CameraType.RTSP, true, false).get(0).payload()).path("device")
                .path("configuration_url").isMissingNode());
        Discovery linked = new Discovery(topics, "PandaProxy 01S00C123", "1.2.3", "homeassistant://hassio/ingress/local_pandaproxy");
        for (Discovery.Message m : linked.configs(CameraType.RTSP, true, false)) {
            if (m.payload().length == 0) {
                continue; // an entity removed (the relay's, here): no device
            }
            assertEquals("homeassistant://hassio/ingress/local_pandaproxy",
                    JSON.readTree(m.payload()).path("device").path("configuration_url").asText(), m.topic());
        }
    }

    @Test
    void statePayloads() throws Exception {
        PrinterStatus s = new PrinterStatus(CameraType.RTSP, UpstreamState.BACKING_OFF, 3, 14.75, 2_000_000,
                Instant.parse("2026-11-25T10:15:30.123Z"), 4, "connection refused");
        Map<String, String> states = States.of(s);
        assertEquals("rtsp", states.get("camera_type"));
        assertEquals("3", states.get("clients"));
        assertEquals("OFF", states.get("printer_camera"));
        assertEquals("14.8", states.get("frame_rate"));
        assertEquals("2000000", states.get("bitrate"));
        assertEquals("2026-11-25T10:15:30+00:00", states.get("last_frame"));
        assertEquals("4", states.get("reconnects"));
        assertEquals("backing_off", states.get("upstream_state"));
        assertEquals("connection refused", JSON.readTree(states.get("upstream_attributes")).path("last_error").asText());

        Map<String, String> initial = States.of(PrinterStatus.initial(CameraType.UNKNOWN));
        assertEquals("None", initial.get("last_frame"));
        assertEquals("detecting", initial.get("upstream_state"));
        assertTrue(JSON.readTree(initial.get("upstream_attributes")).path("last_error").isNull());
        assertEquals("None", initial.get("printer_certificate"), "nothing known yet: unknown");
        assertTrue(JSON.readTree(initial.get("printer_certificate_attributes")).path("sha256").isNull());

        PrinterStatus changed = new PrinterStatus(CameraType.RTSP, UpstreamState.BACKING_OFF, 0, 0, 0, null, 0, null, 0,
                new TrustStatus(CertificateState.CHANGED, "AA:BB", "01S00C123", "CC:DD", "impostor"));
        Map<String, String> c = States.of(changed);
        assertEquals("changed", c.get("printer_certificate"));
        JsonNode attributes = JSON.readTree(c.get("printer_certificate_attributes"));
        assertEquals("AA:BB", attributes.path("sha256").asText());
        assertEquals("01S00C123", attributes.path("cn").asText());
        assertEquals("CC:DD", attributes.path("new_sha256").asText());
        assertEquals("impostor", attributes.path("new_cn").asText());
        assertEquals("off", States.of(new PrinterStatus(CameraType.RTSP, UpstreamState.STREAMING, 0, 0, 0, null, 0, null, 0,
                TrustStatus.OFF)).get("printer_certificate"));

        assertFalse(initial.containsKey("printer_mqtt"), "no relay, no relay states");

        PrinterStatus withRelay = new PrinterStatus(CameraType.CHAMBER, UpstreamState.STREAMING, 1, 2, 0, null, 0, null, 0,
                TrustStatus.UNKNOWN, new PrinterStatus.RelayStatus(UpstreamState.STREAMING, 5));
        assertEquals("ON", States.of(withRelay).get("printer_mqtt"));
        assertEquals("5", States.of(withRelay).get("mqtt_clients"));
        PrinterStatus relayAway = new PrinterStatus(CameraType.CHAMBER, UpstreamState.STREAMING, 1, 2, 0, null, 0, null, 0,
                TrustStatus.UNKNOWN, new PrinterStatus.RelayStatus(UpstreamState.BACKING_OFF, 2));
        assertEquals("OFF", States.of(relayAway).get("printer_mqtt"));
    }

    @Test
    void commands() {
        byte[] press = "PRESS".getBytes(StandardCharsets.UTF_8);
        assertEquals(Optional.of(Commands.Command.RECONNECT), Commands.parse(topics, topics.button("reconnect"), press));
        assertEquals(Optional.of(Commands.Command.REDETECT), Commands.parse(topics, topics.button("redetect"), press));
        assertEquals(Optional.of(Commands.Command.RECONNECT), Commands.parse(topics, topics.command(), bytes("reconnect\n")));
        assertEquals(Optional.of(Commands.Command.REDETECT), Commands.parse(topics, topics.command(), bytes("REDETECT")));
        assertEquals(Optional.of(Commands.Command.TRUST_CERTIFICATE), Commands.parse(topics, topics.button("trust_certificate"), press));
        assertEquals(Optional.of(Commands.Command.TRUST_CERTIFICATE), Commands.parse(topics, topics.command(), bytes("trust_certificate")));
        assertEquals(Optional.empty(), Commands.parse(topics, topics.button("trust_certificate"), bytes("yes")));
        assertEquals(Optional.empty(), Commands.parse(topics, topics.command(), bytes("PRESS")));
        assertEquals(Optional.empty(), Commands.parse(topics, topics.command(), bytes("restart")));
        assertEquals(Optional.empty(), Commands.parse(topics, topics.button("reconnect"), bytes("reconnect")));
        assertEquals(Optional.empty(), Commands.parse(topics, topics.command(), bytes(" ".repeat(60) + "reconnect")));
        assertEquals(Optional.empty(), Commands.parse(topics, "elsewhere", press));
        assertEquals("'a?b'", Commands.describe(new byte[] {'a', 0, 'b'}));
        assertEquals("65 bytes (over 64)", Commands.describe(new byte[65]));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
