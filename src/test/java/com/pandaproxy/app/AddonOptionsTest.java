package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddonOptionsTest {
    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("options.json"), json);
    }

    @Test
    void goodFileMapsEveryOptionToItsLongName() throws Exception {
        Map<String, String> values = AddonOptions.read(write("""
                {"printer_ip": "192.0.2.7", "access_code": "12345678", "serial_number": "01P00A000000001",
                 "camera": "chamber", "snapshot_interval": 10, "log_level": "debug",
                 "mqtt_url": "mqtt://broker:1883", "mqtt_username": "panda", "mqtt_password": "pw"}
                """));
        assertEquals(Map.of("--printer-ip", "192.0.2.7", "--access-code", "12345678", "--serial", "01P00A000000001",
                "--camera", "chamber", "--snapshot-interval", "10", "--log-level", "debug",
                "--mqtt-url", "mqtt://broker:1883", "--mqtt-username", "panda", "--mqtt-password", "pw"), values);
    }

    @Test
    void absentNullAndBlankOptionsAreNotSet() throws Exception {
        Map<String, String> values = AddonOptions.read(write("""
                {"printer_ip": " 192.0.2.7 ", "access_code": "abc", "serial_number": null, "mqtt_url": "  ",
                 "unknown_future_option": true}
                """));
        assertEquals(Map.of("--printer-ip", "192.0.2.7", "--access-code", "abc"), values);
    }

    @Test
    void numbersAreTakenAsTextAndWholeNumbersAsStrings() throws Exception {
        // YAML makes an unquoted access code a number; a string may hold the interval
        Map<String, String> values = AddonOptions.read(write("""
                {"printer_ip": "p", "access_code": 12345678, "snapshot_interval": "30"}
                """));
        assertEquals("12345678", values.get("--access-code"));
        assertEquals("30", values.get("--snapshot-interval"));
    }

    @Test
    void missingRequiredOptionsAreLeftToTheCheckThatKnowsFlagsAndVariables() throws Exception {
        // read() only parses; AddonMode reports a required option missing from every source
        assertEquals(Map.of(), AddonOptions.read(write("{}")));
    }

    @Test
    void wrongTypesNameTheOption() {
        assertMessage("{\"snapshot_interval\": \"abc\"}", "add-on option snapshot_interval must be a whole number, not 'abc'");
        assertMessage("{\"snapshot_interval\": 2.5}", "snapshot_interval must be a whole number");
        assertMessage("{\"snapshot_interval\": true}", "snapshot_interval must be a whole number, not true/false");
        assertMessage("{\"printer_ip\": [\"192.0.2.1\"]}", "add-on option printer_ip must be text, not a list");
        assertMessage("{\"camera\": {\"type\": \"rtsp\"}}", "add-on option camera must be text, not a group of options");
        assertMessage("{\"log_level\": false}", "add-on option log_level must be text");
    }

    @Test
    void wrongTypeOfASecretNeverShowsIt() throws IOException {
        write("{\"access_code\": [\"s3cret-code\"], \"mqtt_password\": \"x\"}");
        ConfigException e = assertThrows(ConfigException.class, () -> AddonOptions.read(dir.resolve("options.json")));
        assertEquals("add-on option access_code must be text, not a list", e.getMessage());
    }

    @Test
    void brokenFilesAreOneSentenceWithoutTheirContent() throws IOException {
        write("{\"printer_ip\": \"192.0.2.1\", \"access_code\": \"s3cret-code\" \"camera\": 1}");
        ConfigException e = assertThrows(ConfigException.class, () -> AddonOptions.read(dir.resolve("options.json")));
        assertTrue(e.getMessage().contains("is not valid JSON at line 1"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());

        assertMessage("[1, 2]", "must hold a JSON object");
        assertMessage("", "must hold a JSON object");
    }

    @Test
    void unreadableFileIsOneSentence() {
        ConfigException e = assertThrows(ConfigException.class, () -> AddonOptions.read(dir.resolve("absent.json")));
        assertTrue(e.getMessage().startsWith("cannot read the add-on options file"), e.getMessage());
    }

    @Test
    void everyKeyMapsToADistinctOption() {
        assertEquals(AddonOptions.KEYS.size(), AddonOptions.KEYS.stream().map(AddonOptions.Key::option).distinct().count());
        assertTrue(AddonOptions.KEYS.stream().allMatch(k -> k.option().startsWith("--") && k.name().matches("[a-z_]+")));
    }

    private void assertMessage(String json, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> AddonOptions.read(write(json)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
