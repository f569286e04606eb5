package com.pandaproxy.net;

/** Host and port as logs and URLs write them: an IPv6 address in brackets ({@code [fd00::5]:322}). */
public final class HostPort {
    private HostPort() {
    }

    /** {@code host:port}, an IPv6 address in brackets. */
    public static String of(String host, int port) {
        return bracketed(host) + ":" + port;
    }

    /** {@code host} as it goes before {@code :port}: an IPv6 address in brackets. */
    public static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
