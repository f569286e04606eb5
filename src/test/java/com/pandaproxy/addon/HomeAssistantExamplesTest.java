package com.pandaproxy.addon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dashboard card and the automation blueprint under ha-addon/. */
class HomeAssistantExamplesTest {
    private static final String BLUEPRINT = "ha-addon/blueprints/automation/pandaproxy_reconnect_camera.yaml";
    private static final String CARD = "ha-addon/dashboard-card.yaml";

    @Test
    void blueprintHasItsInputsAndPressesReconnect() {
        JsonNode doc = Project.yaml(BLUEPRINT);
        JsonNode blueprint = doc.get("blueprint");
        assertEquals("automation", blueprint.get("domain").asText());
        Set<String> inputs = new LinkedHashSet<>();
        blueprint.get("input").fieldNames().forEachRemaining(inputs::add);
        assertEquals(Set.of("camera_connection", "reconnect_button", "disconnected_for", "printer_reachable"), inputs);
        assertEquals("connectivity", blueprint.at("/input/camera_connection/selector/entity/filter/0/device_class").asText());
        assertEquals("button", blueprint.at("/input/reconnect_button/selector/entity/filter/0/domain").asText());
        assertTrue(blueprint.at("/input/disconnected_for/selector").has("duration"));
        assertTrue(blueprint.get("source_url").asText().startsWith(Project.yaml("repository.yaml").get("url").asText() + "/blob/"));

        // the camera trigger: off for the chosen time; the condition: the printer is reachable
        JsonNode trigger = doc.get("triggers").get(0);
        assertEquals("state", trigger.get("trigger").asText());
        assertEquals("off", trigger.get("to").asText());
        List<JsonNode> conditions = new ArrayList<>();
        doc.get("conditions").forEach(conditions::add);
        assertTrue(conditions.stream().anyMatch(c -> "on".equals(c.path("state").asText())));
        assertEquals("button.press", doc.get("actions").get(0).get("action").asText());
    }

    @Test
    void blueprintUsesEveryInputItDeclaresAndNoOther() {
        String text = Project.text(BLUEPRINT);
        Set<String> used = new LinkedHashSet<>();
        Matcher m = Pattern.compile("!input (\\w+)").matcher(text);
        while (m.find()) {
            used.add(m.group(1));
        }
        Set<String> declared = new LinkedHashSet<>();
        Project.yaml(BLUEPRINT).get("blueprint").get("input").fieldNames().forEachRemaining(declared::add);
        assertEquals(declared, used);
    }

    /** Entity ids: one device, the MQTT entities' names slugged (see the comment at the card's top). */
    @Test
    void cardUsesTheProxysEntities() {
        Set<String> ids = new LinkedHashSet<>();
        collectEntities(Project.yaml(CARD), ids);
        Set<String> expected = new LinkedHashSet<>();
        for (String id : List.of("camera.*_chamber", "binary_sensor.*_printer_camera", "sensor.*_clients", "sensor.*_camera_type",
                "button.*_reconnect", "button.*_detect_camera", "sensor.*_upstream_state", "sensor.*_frame_rate",
                "sensor.*_bitrate", "sensor.*_last_frame", "sensor.*_upstream_reconnects")) {
            expected.add(id.replace("*", "pandaproxy_01p00a123456789"));
        }
        assertEquals(expected, ids);
    }

    private static void collectEntities(JsonNode node, Set<String> ids) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("entity") && e.getValue().isTextual()) {
                    ids.add(e.getValue().asText());
                } else {
                    collectEntities(e.getValue(), ids);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectEntities(n, ids));
        }
    }
}
