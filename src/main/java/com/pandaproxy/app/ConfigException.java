package com.pandaproxy.app;

/** A configuration mistake: one sentence naming the option. The process exits with status 2. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
