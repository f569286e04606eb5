package com.pandaproxy.ha;

import com.pandaproxy.printer.CameraType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.hivemq.HiveMQContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The bridge against the HiveMQ CE Docker image, the way a user's broker runs. Opt-in:
 * {@code ./mvnw -Ptestcontainers test}; skipped where there is no Docker.
 */
@Tag("testcontainers")
@Testcontainers(disabledWithoutDocker = true)
class HiveMqContainerTest {
    @Container
    static final HiveMQContainer BROKER = new HiveMQContainer(DockerImageName.parse("hivemq/hivemq-ce:2025.5"));

    @Test
    void discoveryStatesAndReconnectButton() throws Exception {
        String uri = "tcp://" + BROKER.getHost() + ":" + BROKER.getMqttPort();
        MqttSettings settings = MqttSettings.parse(uri, null, null, "homeassistant", "pandaproxy", "0", null, null);
        try (FakePrinter printer = new FakePrinter(CameraType.CHAMBER)) {
            HomeAssistantBridge bridge = new HomeAssistantBridge(settings, "01S00DOCKER", "192.0.2.9", printer);
            Topics t = bridge.topics();
            try (Probe probe = new Probe(uri, null, null, "homeassistant/#", "pandaproxy/#")) {
                bridge.start();
                probe.awaitText(t.availability(), "online");
                probe.awaitText(t.state("clients"), "0");
                printer.board.clientConnected("chamber", null);
                probe.awaitText(t.state("clients"), "1");
                probe.publish(t.button("reconnect"), "PRESS");
                probe.awaitText(t.state("reconnects"), "1");
                bridge.close();
                probe.awaitText(t.availability(), "offline");
            } finally {
                bridge.close();
            }
        }
    }
}
