package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pandaproxy.testutil.Fuzz;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The add-on's options file with fuzzed bytes: options, or one ConfigException sentence without the secrets. */
class AddonOptionsFuzzTest {
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void optionsFile(byte[] content) throws Exception {
        Path file = Files.createTempFile("fuzz-options", ".json");
        try {
            Files.write(file, content);
            Map<String, String> options = AddonOptions.read(file);
            Cli cli = new Cli();
            Cli.commandLine(cli, Map.of(), options).parseArgs();
            cli.toConfig();
        } catch (ConfigException refused) {
            for (String secret : secrets(content)) {
                assertFalse(refused.getMessage().contains(secret), "a secret in: " + refused.getMessage());
            }
        } finally {
            Files.delete(file);
        }
    }

    /** The secret options' values in the file, when it is JSON and they are long enough to be told apart. */
    private static List<String> secrets(byte[] content) {
        List<String> found = new ArrayList<>();
        try {
            JsonNode root = new ObjectMapper().readTree(content);
            for (String key : List.of("access_code", "mqtt_password")) {
                JsonNode value = root == null ? null : root.get(key);
                if (value != null && value.isValueNode() && value.asText().strip().length() >= 4) {
                    found.add(value.asText().strip());
                }
            }
        } catch (IOException notJson) {
            // nothing to find
        }
        return found;
    }
}
