package com.pandaproxy.app;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Home Assistant add-on's options file ({@code /data/options.json}, written by the Supervisor
 * from the add-on's Configuration tab). Each add-on option stands for one command-line option;
 * {@link #read} turns the file into values keyed by that option's long name, for the layer
 * under flags and environment variables (see {@link Cli#commandLine}).
 */
final class AddonOptions {
    /** How a value may be written in the JSON file. */
    enum Kind {
        /** A string (a number is taken as its digits: YAML turns an unquoted 12345678 into one). */
        TEXT,
        /** Like TEXT, but the value never appears in a message. */
        SECRET,
        /** An integer, or a string holding one. */
        WHOLE_NUMBER
    }

    /** One add-on option: its name in config.yaml and options.json, the command-line option it fills. */
    record Key(String name, String option, Kind kind, boolean required) {
    }

    /**
     * Every add-on option, in config.yaml's order: the one mapping between add-on option names
     * and command-line options. An option the command line does not have yet is ignored there.
     */
    static final List<Key> KEYS = List.of(
            new Key("printer_ip", "--printer-ip", Kind.TEXT, true),
            new Key("access_code", "--access-code", Kind.SECRET, true),
            new Key("serial_number", "--serial", Kind.TEXT, false),
            new Key("camera", "--camera", Kind.TEXT, false),
            new Key("services", "--services", Kind.TEXT, false),
            new Key("snapshot_interval", "--snapshot-interval", Kind.WHOLE_NUMBER, false),
            new Key("log_level", "--log-level", Kind.TEXT, false),
            new Key("printer_trust", "--printer-trust", Kind.TEXT, false),
            new Key("mqtt_url", "--mqtt-url", Kind.TEXT, false),
            new Key("mqtt_username", "--mqtt-username", Kind.TEXT, false),
            new Key("mqtt_password", "--mqtt-password", Kind.SECRET, false));

    /** The Supervisor writes a few hundred bytes; anything far larger is not an options file. */
    private static final long MAX_SIZE = 64 * 1024;

    private AddonOptions() {
    }

    /**
     * Reads the file: option long name → value, for the options that are set (absent, null and
     * blank values are not set). Required options are not checked here: a flag or a variable may
     * still give them.
     *
     * @throws ConfigException one sentence naming the file or the add-on option, never a secret
     */
    static Map<String, String> read(Path file) throws ConfigException {
        JsonNode root;
        try {
            if (Files.size(file) > MAX_SIZE) {
                throw new ConfigException("add-on options file " + file + " is larger than " + MAX_SIZE + " bytes");
            }
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // only the position: the parser's own message may quote the text around it, an access code included
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException("add-on options file " + file + " is not valid JSON" + where);
        } catch (IOException e) {
            throw new ConfigException("cannot read the add-on options file " + file + ": " + e.getClass().getSimpleName());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("add-on options file " + file + " must hold a JSON object");
        }
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (Key key : KEYS) {
                String value = value(key, root.get(key.name()));
                if (value != null) {
                    values.put(key.option(), value);
                }
            }
        } catch (ConfigException e) {
            // a quoted value (say snapshot_interval: "x" + the access code) may hold a secret
            throw new ConfigException(ConfigException.withoutSecrets(e.getMessage(), KEYS.stream()
                    .filter(key -> key.kind() == Kind.SECRET && root.path(key.name()).isValueNode())
                    .map(key -> root.path(key.name()).asText())
                    .toArray(String[]::new)));
        }
        return values;
    }

    private static String value(Key key, JsonNode node) throws ConfigException {
        if (node == null || node.isNull()) {
            return null;
        }
        String text;
        if (node.isTextual()) {
            text = node.textValue().trim();
        } else if (node.isIntegralNumber() || (node.isNumber() && key.kind() != Kind.WHOLE_NUMBER)) {
            text = node.asText();
        } else {
            throw wrongType(key, node);
        }
        if (text.isEmpty()) {
            return null;
        }
        if (key.kind() == Kind.WHOLE_NUMBER && !text.matches("[+-]?\\d{1,9}")) {
            throw wrongType(key, node);
        }
        return text;
    }

    private static ConfigException wrongType(Key key, JsonNode node) {
        String expected = key.kind() == Kind.WHOLE_NUMBER ? "a whole number" : "text";
        String actual = key.kind() == Kind.SECRET ? describe(node) : quote(node);
        return new ConfigException("add-on option " + key.name() + " must be " + expected + ", not " + actual);
    }

    private static String quote(JsonNode node) {
        if (!node.isTextual() && !node.isNumber()) {
            return describe(node);
        }
        String text = node.asText();
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'";
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "a group of options";
            case BOOLEAN -> "true/false";
            case NUMBER -> "a number";
            default -> "that value";
        };
    }
}
