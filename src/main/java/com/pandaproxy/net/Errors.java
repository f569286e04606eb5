package com.pandaproxy.net;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/** Failures as one short phrase for logs and the status board. */
public final class Errors {
    private Errors() {
    }

    /**
     * The root cause in words: a plain phrase for the usual network failures ("connection
     * refused"), else its message, else the outermost message, else the exception's name.
     * Exception messages of the network stack and the libraries used never carry a secret.
     */
    public static String describe(Throwable t) {
        if (t == null) {
            return "no reason given";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (root instanceof ConnectException && m != null && m.contains("refused")) {
            return "connection refused";
        }
        if (root instanceof ConnectTimeoutException) {
            return "connection timed out";
        }
        if (root instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (root instanceof UnknownHostException) {
            return "unknown host";
        }
        if (root instanceof NotSslRecordException) {
            return "answered without TLS";
        }
        if (m == null || m.isBlank()) {
            m = t.getMessage();
        }
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }
}
