package com.pandaproxy.net;

/** A secret (access code, password) that never prints itself: {@code toString()} is masked. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = value;
    }

    /** The real value, only for where it is sent or compared. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value == null || value.isEmpty();
    }

    @Override
    public String toString() {
        return "********";
    }
}
