package com.pandaproxy.app;

import com.pandaproxy.web.WebSettings;
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
        // the page in Home Assistant's sidebar: requests from the Supervisor's ingress proxy are
        // already authenticated; the device links to the page (the add-on's slug from its host name)
        options.put("--ingress-proxy", WebSettings.HA_INGRESS_PROXY);
        String link = ingressLink(env.get("HOSTNAME"));
        if (link != null) {
            options.put("--web-link", link);
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

    /**
     * The add-on's ingress page as a Home Assistant link, from the container's host name: the
     * Supervisor names it after the add-on's slug ({@code <repository>_pandaproxy}) with '-' for
     * '_', e.g. {@code a0d7b954-pandaproxy} or {@code local-pandaproxy}. Null when it is not that.
     */
    static String ingressLink(String hostname) {
        if (hostname == null || !hostname.matches("[a-z0-9]{1,40}-[a-z0-9_-]{1,60}")) {
            return null;
        }
        return "homeassistant://hassio/ingress/" + hostname.replaceFirst("-", "_");
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
