package com.pandaproxy.app;

import java.util.Arrays;
import java.util.Objects;

/** A configuration mistake: one sentence naming the option. The process exits with status 2. */
public final class ConfigException extends Exception {
    /** Secrets shorter than this are left alone in messages: they would match ordinary words. */
    private static final int SHORTEST_MASKED = 4;
    /** Mask characters in order of preference; a secret holding all of them is simply cut out. */
    private static final String MASKS = "*#~?";

    public ConfigException(String message) {
        super(message, null, false, false);
    }

    /**
     * The message with every occurrence of the secrets masked, for messages that quote a value the
     * user gave (a serial number, a path) which may happen to contain one. The mask is made of a
     * character no secret holds, so masking one secret can neither leave nor form another.
     */
    static String withoutSecrets(String message, String... secrets) {
        String[] masked = Arrays.stream(secrets)
                .filter(Objects::nonNull)
                .map(String::strip)
                .filter(secret -> secret.length() >= SHORTEST_MASKED)
                .toArray(String[]::new);
        String mask = mask(masked);
        boolean found = true;
        while (found) { // one pass with a true mask; cutting out can join two pieces into a secret again
            found = false;
            for (String secret : masked) {
                if (message.contains(secret)) {
                    message = message.replace(secret, mask);
                    found = true;
                }
            }
        }
        return message;
    }

    private static String mask(String[] secrets) {
        for (char c : MASKS.toCharArray()) {
            if (Arrays.stream(secrets).noneMatch(secret -> secret.indexOf(c) >= 0)) {
                return String.valueOf(c).repeat(8);
            }
        }
        return "";
    }
}
