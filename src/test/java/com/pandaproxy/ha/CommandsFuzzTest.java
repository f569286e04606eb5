package com.pandaproxy.ha;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pandaproxy.testutil.Fuzz;

/** MQTT messages on the proxy's command topics from Home Assistant's broker, with fuzzed payloads. */
class CommandsFuzzTest {
    private static final Topics TOPICS = new Topics("homeassistant", "pandaproxy", "01s00c123456789");

    @FuzzTest(maxDuration = Fuzz.DURATION)
    void commandPayload(byte[] payload) {
        for (String topic : new String[] {TOPICS.command(), TOPICS.button("reconnect"), TOPICS.button("redetect")}) {
            Commands.parse(TOPICS, topic, payload);
        }
        String shown = Commands.describe(payload);
        assertTrue(shown.length() <= 3 * Commands.MAX_PAYLOAD, "a log line stays short: " + shown.length());
    }
}
