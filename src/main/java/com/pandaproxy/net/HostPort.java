package com.pandaproxy.net;

/** Host and port as logs and URLs write them. */
public final class HostPort {
    private HostPort() {
    }

    /** {@code host:port}, an IPv6 address in brackets ({@code [fd00::5]:322}). */
    public static String of(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
