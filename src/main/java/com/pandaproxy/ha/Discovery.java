package com.pandaproxy.ha;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.tls.CertificateState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Home Assistant MQTT discovery configs (retained) for one proxy: one device, its entities,
 * each with a stable unique id and the shared availability topic. Pure: no MQTT here.
 */
public final class Discovery {
    /** A retained message to publish; an empty payload removes the entity. */
    public record Message(String topic, byte[] payload) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Topics topics;
    private final String deviceName;
    private final String version;
    private final String configurationUrl;

    public Discovery(Topics topics, String deviceName, String version) {
        this(topics, deviceName, version, null);
    }

    /** @param configurationUrl the device's "Visit" link (the add-on's page), or null for none */
    public Discovery(Topics topics, String deviceName, String version, String configurationUrl) {
        this.topics = topics;
        this.deviceName = deviceName;
        this.version = version;
        this.configurationUrl = configurationUrl;
    }

    /**
     * All configs. The camera entity exists once the camera type is known (chamber image: its
     * JPEGs; RTSP: decoded keyframes) and snapshots are on, the MQTT relay's entities only with the
     * relay ({@code relay}); otherwise their configs are sent empty so earlier ones are removed.
     */
    public List<Message> configs(CameraType type, boolean snapshots, boolean relay) {
        List<Message> out = new ArrayList<>();

        ObjectNode cameraType = entity("camera_type", "Camera type");
        cameraType.put("state_topic", topics.state("camera_type"));
        cameraType.put("device_class", "enum");
        Arrays.stream(CameraType.values()).map(CameraType::id).forEach(cameraType.putArray("options")::add);
        cameraType.put("icon", "mdi:cctv");
        out.add(message("sensor", "camera_type", cameraType));

        ObjectNode clients = entity("clients", "Clients");
        clients.put("state_topic", topics.state("clients"));
        clients.put("state_class", "measurement");
        clients.put("icon", "mdi:account-multiple");
        out.add(message("sensor", "clients", clients));

        out.add(message("binary_sensor", "printer_camera", connectivity("printer_camera", "Printer camera")));

        ObjectNode reconnect = button("reconnect", "Reconnect");
        reconnect.put("device_class", "restart");
        out.add(message("button", "reconnect", reconnect));

        ObjectNode redetect = button("redetect", "Detect camera");
        redetect.put("entity_category", "config");
        redetect.put("icon", "mdi:camera-switch");
        out.add(message("button", "redetect", redetect));

        ObjectNode fps = diagnostic("frame_rate", "Frame rate");
        fps.put("state_class", "measurement");
        fps.put("unit_of_measurement", "fps");
        fps.put("suggested_display_precision", 1);
        fps.put("icon", "mdi:filmstrip");
        out.add(message("sensor", "frame_rate", fps));

        ObjectNode bitrate = diagnostic("bitrate", "Bitrate");
        bitrate.put("device_class", "data_rate");
        bitrate.put("state_class", "measurement");
        bitrate.put("unit_of_measurement", "bit/s");
        out.add(message("sensor", "bitrate", bitrate));

        ObjectNode lastFrame = diagnostic("last_frame", "Last frame");
        lastFrame.put("device_class", "timestamp");
        out.add(message("sensor", "last_frame", lastFrame));

        ObjectNode reconnects = diagnostic("reconnects", "Upstream reconnects");
        reconnects.put("state_class", "total_increasing");
        reconnects.put("icon", "mdi:connection");
        out.add(message("sensor", "reconnects", reconnects));

        ObjectNode upstream = diagnostic("upstream_state", "Upstream state");
        upstream.put("device_class", "enum");
        Arrays.stream(UpstreamState.values()).map(UpstreamState::id).forEach(upstream.putArray("options")::add);
        upstream.put("json_attributes_topic", topics.upstreamAttributes());
        upstream.put("icon", "mdi:lan-connect");
        out.add(message("sensor", "upstream_state", upstream));

        ObjectNode certificate = diagnostic("printer_certificate", "Printer certificate");
        certificate.put("device_class", "enum");
        Arrays.stream(CertificateState.values()).filter(c -> c != CertificateState.UNKNOWN).map(CertificateState::id)
                .forEach(certificate.putArray("options")::add);
        certificate.put("json_attributes_topic", topics.state(States.CERTIFICATE_ATTRIBUTES));
        certificate.put("icon", "mdi:certificate");
        out.add(message("sensor", "printer_certificate", certificate));

        ObjectNode trust = button("trust_certificate", "Trust the printer's new certificate");
        trust.put("entity_category", "config");
        trust.put("icon", "mdi:shield-check");
        out.add(message("button", "trust_certificate", trust));

        if (relay) {
            out.add(message("binary_sensor", "printer_mqtt", connectivity("printer_mqtt", "Printer MQTT")));

            ObjectNode mqttClients = entity("mqtt_clients", "MQTT clients");
            mqttClients.put("state_topic", topics.state("mqtt_clients"));
            mqttClients.put("state_class", "measurement");
            mqttClients.put("icon", "mdi:lan");
            out.add(message("sensor", "mqtt_clients", mqttClients));
        } else {
            out.add(new Message(topics.discovery("binary_sensor", "printer_mqtt"), new byte[0]));
            out.add(new Message(topics.discovery("sensor", "mqtt_clients"), new byte[0]));
        }

        if (type != CameraType.UNKNOWN && snapshots) {
            ObjectNode chamber = entity("chamber", "Chamber");
            chamber.put("topic", topics.snapshot());
            out.add(message("camera", "chamber", chamber));
        } else {
            out.add(new Message(topics.discovery("camera", "chamber"), new byte[0]));
        }
        return out;
    }

    private ObjectNode button(String objectId, String name) {
        ObjectNode node = entity(objectId, name);
        node.put("command_topic", topics.button(objectId));
        node.put("payload_press", Commands.PRESS);
        return node;
    }

    /** A binary sensor: is the proxy connected to the printer's camera / MQTT. */
    private ObjectNode connectivity(String objectId, String name) {
        ObjectNode node = entity(objectId, name);
        node.put("state_topic", topics.state(objectId));
        node.put("device_class", "connectivity");
        node.put("payload_on", States.ON);
        node.put("payload_off", States.OFF);
        return node;
    }

    private ObjectNode diagnostic(String objectId, String name) {
        ObjectNode node = entity(objectId, name);
        node.put("state_topic", topics.state(objectId));
        node.put("entity_category", "diagnostic");
        return node;
    }

    /** What every entity carries: name, unique id, availability, device and origin. */
    private ObjectNode entity(String objectId, String name) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", name);
        node.put("unique_id", topics.uniqueId(objectId));
        node.put("availability_topic", topics.availability());
        node.put("payload_available", States.ONLINE);
        node.put("payload_not_available", States.OFFLINE);
        node.put("qos", 1);
        ObjectNode device = node.putObject("device");
        device.putArray("identifiers").add(topics.deviceId());
        device.put("name", deviceName);
        device.put("manufacturer", "PandaProxy");
        device.put("model", "Camera proxy for BambuLab printers");
        device.put("sw_version", version);
        if (configurationUrl != null) {
            device.put("configuration_url", configurationUrl);
        }
        ObjectNode origin = node.putObject("origin");
        origin.put("name", "PandaProxy");
        origin.put("sw_version", version);
        return node;
    }

    private Message message(String component, String objectId, ObjectNode config) {
        try {
            return new Message(topics.discovery(component, objectId), JSON.writeValueAsBytes(config));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write discovery JSON", e);
        }
    }
}
