package com.pandaproxy.net;

/** The program's version, as it introduces itself (--version, User-Agent, MQTT discovery). */
public final class Version {
    private Version() {
    }

    /** The version from the jar manifest (the pom's), or "dev" when run from classes. */
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
