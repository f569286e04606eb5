package com.pandaproxy.app;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Running as a Home Assistant add-on: the options file exists (or run.sh said so with
 * PANDAPROXY_ADDON=1). Then its options are the layer under flags and variables, the data dir
 * defaults to the options file's folder (/data), and unless the user chose MQTT settings, the
 * Supervisor is asked for its MQTT broker. Outside add-on mode the layer is empty.
 */
final class AddonMode {
    /** Overrides where the options file is (tests, or a custom container). */
    static final String OPTIONS_FILE_VARIABLE = "PANDAPROXY_OPTIONS_FILE";
    static final String DEFAULT_OPTIONS_FILE = "/data/options.json";
    /** Set to 1 by run.sh in add-on mode: then a missing options file is a mistake. */
    static final String ADDON_VARIABLE = "PANDAPROXY_ADDON";
    static final String TOKEN_VARIABLE = "SUPERVISOR_TOKEN";
    static final String SUPERVISOR_URL_VARIABLE = "SUPERVISOR_URL";
    static final List<String> MQTT_OPTIONS = List.of("--mqtt-url", "--mqtt-username", "--mqtt-password");

    private final Map<String, String> options;
    private final List<String> notes;

    private AddonMode(Map<String, String> options, List<String> notes) {
        this.options = Map.copyOf(options);
        this.notes = List.copyOf(notes);
    }

    static AddonMode standalone() {
        return new AddonMode(Map.of(), List.of());
    }

    /** Detects add-on mode and gathers its layer; may ask the Supervisor (a few seconds at most). */
    static AddonMode load(Map<String, String> env, String[] args) throws ConfigException {
        Path file = Path.of(env.getOrDefault(OPTIONS_FILE_VARIABLE, DEFAULT_OPTIONS_FILE));
        if (!Files.exists(file)) {
            if ("1".equals(env.get(ADDON_VARIABLE))) {
                throw new ConfigException("add-on options file " + file + " is missing");
            }
            return standalone();
        }
        Map<String, String> options = new LinkedHashMap<>(AddonOptions.read(file));
        List<String> notes = new ArrayList<>();
        notes.add("Add-on mode: options from " + file);
        boolean informational = has(args, "-h", "--help", "-V", "--version");
        if (!informational && !has(args, "--demo")) {
            for (AddonOptions.Key key : AddonOptions.KEYS) {
                if (key.required() && !options.containsKey(key.option()) && !given(key.option(), env, args)) {
                    throw new ConfigException("add-on option " + key.name() + " is not set: fill it in on the add-on's Configuration tab");
                }
            }
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null) {
            options.put("--data-dir", folder.toString());
        }
        boolean mqttChosen = MQTT_OPTIONS.stream().anyMatch(o -> options.containsKey(o) || given(o, env, args));
        String token = env.get(TOKEN_VARIABLE);
        if (!informational && !mqttChosen && token != null && !token.isBlank()) {
            URI base = URI.create(env.getOrDefault(SUPERVISOR_URL_VARIABLE, SupervisorMqtt.DEFAULT_URL));
            SupervisorMqtt.Answer answer = SupervisorMqtt.ask(base, token.trim(), SupervisorMqtt.TIMEOUT);
            SupervisorMqtt.Broker broker = answer.broker();
            if (broker == null) {
                notes.add("MQTT: " + answer.problem() + "; carrying on without MQTT");
            } else {
                options.put("--mqtt-url", broker.url());
                if (broker.username() != null) {
                    options.put("--mqtt-username", broker.username());
                }
                if (broker.password() != null) {
                    options.put("--mqtt-password", broker.password().reveal());
                }
                notes.add("MQTT broker from the Supervisor: " + broker.url());
            }
        }
        return new AddonMode(options, notes);
    }

    /** Option long name → value: the layer under flags and environment variables. */
    Map<String, String> options() {
        return options;
    }

    /** Lines saying what add-on mode did, for the log (never a secret). */
    List<String> notes() {
        return notes;
    }

    /** Logs the notes; call only after {@link Logging#configure}, which must run before the first logger exists. */
    void logNotes() {
        notes.forEach(LoggerFactory.getLogger(AddonMode.class)::info);
    }

    /** Whether the user gave the option as a flag or through its environment variable. */
    private static boolean given(String option, Map<String, String> env, String[] args) {
        if (Arrays.stream(args).anyMatch(a -> a.equals(option) || a.startsWith(option + "="))) {
            return true;
        }
        String value = env.get(Cli.ENV.getOrDefault(option, variableFor(option)));
        return value != null && !value.isBlank();
    }

    /** An option's variable by the project's convention (--mqtt-url → MQTT_URL), for options Cli does not list yet. */
    static String variableFor(String option) {
        return option.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static boolean has(String[] args, String... flags) {
        return Arrays.stream(args).anyMatch(a -> Arrays.stream(flags).anyMatch(f -> a.equals(f) || a.startsWith(f + "=")));
    }
}
