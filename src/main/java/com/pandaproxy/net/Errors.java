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
     * The root cause in words: a phrase for the usual network failures ("connection refused"), else
     * its message (never a secret, from the network stack and the libraries used), else its name.
     */
    public static String describe(Throwable t) {
        Throwable root = t;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root == null ? "no reason given" : root.getMessage();
        if (root instanceof ConnectTimeoutException) {
            return "connection timed out";
        } else if (root instanceof ConnectException && m != null && m.contains("refused")) {
            return "connection refused";
        } else if (root instanceof NoRouteToHostException || root instanceof UnknownHostException) {
            return root instanceof UnknownHostException ? "unknown host" : "no route to host";
        } else if (root instanceof NotSslRecordException) {
            return "answered without TLS";
        }
        m = m == null || m.isBlank() ? t.getMessage() : m;
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }
}
