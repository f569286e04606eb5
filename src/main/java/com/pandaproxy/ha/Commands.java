package com.pandaproxy.ha;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/** Turns an incoming MQTT message on one of our command topics into a command, or nothing. */
final class Commands {
    /** What Home Assistant sends when a button is pressed. */
    static final String PRESS = "PRESS";
    /** Longer payloads are not ours: logged and dropped without being read. */
    static final int MAX_PAYLOAD = 64;

    enum Command {
        RECONNECT,
        REDETECT,
        TRUST_CERTIFICATE;

        /** The button's object id and the word on the command topic. */
        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Commands() {
    }

    /**
     * The command meant by {@code payload} arriving on {@code topic}: {@code PRESS} on a button
     * topic, or {@code reconnect}/{@code redetect}/{@code trust_certificate} on the command topic.
     */
    static Optional<Command> parse(Topics topics, String topic, byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            return Optional.empty();
        }
        String text = new String(payload, StandardCharsets.UTF_8).trim();
        for (Command c : Command.values()) {
            if (topic.equals(topics.button(c.id()))) {
                return text.equals(PRESS) ? Optional.of(c) : Optional.empty();
            }
            if (topic.equals(topics.command()) && text.equalsIgnoreCase(c.id())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** A short printable rendering of an unknown payload for the log. */
    static String describe(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            return payload.length + " bytes (over " + MAX_PAYLOAD + ")";
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        return "'" + text.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
