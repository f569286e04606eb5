package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pandaproxy.addon.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** config.yaml's options agree with the program: its option table, defaults and accepted values. */
class AddonManifestOptionsTest {
    private static final JsonNode CONFIG = Project.yaml("config.yaml");

    @TempDir
    Path dir;

    @Test
    void theProgramMapsExactlyTheSchemaOptionsInTheSameOrder() {
        List<String> schema = new ArrayList<>();
        CONFIG.get("schema").fieldNames().forEachRemaining(schema::add);
        assertEquals(schema, AddonOptions.KEYS.stream().map(AddonOptions.Key::name).toList());
    }

    @Test
    void requiredOptionsAreTheOnesWithoutDefaultOrQuestionMark() {
        for (AddonOptions.Key key : AddonOptions.KEYS) {
            JsonNode value = CONFIG.get("options").get(key.name());
            boolean required = !CONFIG.get("schema").get(key.name()).asText().endsWith("?") && (value == null || value.isNull());
            assertEquals(required, key.required(), key.name());
        }
    }

    @Test
    void optionDefaultsAreTheProgramsDefaults() {
        CommandLine.Model.CommandSpec spec = new CommandLine(new Cli()).getCommandSpec();
        for (AddonOptions.Key key : AddonOptions.KEYS) {
            JsonNode value = CONFIG.get("options").get(key.name());
            CommandLine.Model.OptionSpec option = spec.findOption(key.option());
            // an option of a part not merged yet (e.g. the MQTT ones) is checked once the Cli has it
            if (value != null && !value.isNull() && option != null) {
                assertEquals(option.defaultValue(), value.asText(), key.name() + " default");
            }
        }
    }

    @Test
    void everyListedChoiceIsAcceptedByTheProgram() throws Exception {
        for (String camera : choices("camera")) {
            Cli cli = new Cli();
            Cli.commandLine(cli, Map.of()).parseArgs("--printer-ip", "192.0.2.1", "--access-code", "x", "--camera", camera);
            cli.toConfig();
        }
        for (String services : choices("services")) {
            Cli cli = new Cli();
            Cli.commandLine(cli, Map.of()).parseArgs("--printer-ip", "192.0.2.1", "--access-code", "x", "--services", services);
            cli.toConfig();
        }
        for (String level : choices("log_level")) {
            Cli cli = new Cli();
            Cli.commandLine(cli, Map.of()).parseArgs("--log-level", level);
            assertEquals(level, cli.logLevel());
        }
    }

    @Test
    void theContainerPortsAreTheProgramsDefaultPorts() throws Exception {
        Cli cli = new Cli();
        Cli.commandLine(cli, Map.of()).parseArgs("--printer-ip", "192.0.2.1", "--access-code", "x");
        Config c = cli.toConfig();
        assertTrue(CONFIG.get("ports").has(c.rtspPort() + "/tcp"));
        assertTrue(CONFIG.get("ports").has(c.chamberPort() + "/tcp"));
        assertTrue(CONFIG.get("ports").has(c.mqttRelayPort() + "/tcp"));
    }

    /** What the Supervisor writes from these defaults once the user filled in the required options. */
    @Test
    void theDefaultOptionsFileStartsTheProgram() throws Exception {
        ObjectNode options = CONFIG.get("options").deepCopy();
        options.put("printer_ip", "192.0.2.50");
        options.put("access_code", "12345678");
        Path file = dir.resolve("options.json");
        Files.writeString(file, options.toString());
        Map<String, String> env = Map.of(AddonMode.OPTIONS_FILE_VARIABLE, file.toString());
        Cli cli = new Cli();
        Cli.commandLine(cli, env, AddonMode.load(env, new String[0]).options()).parseArgs();
        Config c = cli.toConfig();
        assertEquals("192.0.2.50", c.printerIp());
        assertEquals(CameraMode.AUTO, c.camera());
        assertEquals(dir.toAbsolutePath(), c.dataDir());
        assertEquals("info", cli.logLevel());
    }

    private static List<String> choices(String option) {
        String type = CONFIG.get("schema").get(option).asText().replaceFirst("\\?$", "");
        return List.of(type.substring("list(".length(), type.length() - 1).split("\\|"));
    }
}
