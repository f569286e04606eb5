package com.pandaproxy.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * The container's HEALTHCHECK: healthy when the proxy on this host completes a TLS handshake on
 * its chamber-image port or its RTSPS port — so the process is not only alive but serving.
 * Plain JDK (no Netty, no logging), so the short-lived JVM it runs in stays small and quick.
 *
 * <p>{@code java -cp pandaproxy.jar com.pandaproxy.app.HealthCheck [port ...]}; without ports it
 * tries CHAMBER_PORT (6000) and RTSP_PORT (322). Exit status 0 healthy, 1 not.
 */
public final class HealthCheck {
    private static final int TIMEOUT_MS = 3000;

    private HealthCheck() {
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        String host = host(env.get("BIND_ADDRESS"));
        List<Integer> ports = new ArrayList<>();
        try {
            if (args.length > 0) {
                for (String a : args) {
                    ports.add(Integer.parseInt(a));
                }
            } else {
                ports.add(Integer.parseInt(env.getOrDefault("CHAMBER_PORT", "6000").trim()));
                ports.add(Integer.parseInt(env.getOrDefault("RTSP_PORT", "322").trim()));
            }
        } catch (NumberFormatException e) {
            System.out.println("unhealthy: a port is not a number");
            System.exit(1);
        }
        for (int port : ports) {
            if (answers(host, port, TIMEOUT_MS)) {
                System.out.println("healthy: TLS handshake on " + host + ":" + port);
                System.exit(0);
            }
        }
        System.out.println("unhealthy: no TLS handshake on " + host + " port(s) " + ports);
        System.exit(1);
    }

    /** The address to probe: where the proxy listens, the loopback address for a wildcard. */
    static String host(String bind) {
        if (bind == null || bind.isBlank() || bind.trim().equals("0.0.0.0") || bind.trim().equals("::")) {
            return "127.0.0.1";
        }
        return bind.trim();
    }

    /** Whether a TLS server completes a handshake at host:port within the timeout. */
    static boolean answers(String host, int port, int timeoutMs) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), timeoutMs);
            plain.setSoTimeout(timeoutMs);
            try (SSLSocket tls = (SSLSocket) trustingContext().getSocketFactory().createSocket(plain, host, port, false)) {
                tls.startHandshake();
                return true;
            }
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    /** Our own proxy's self-signed certificate: reachable, not authenticated, is the question. */
    private static SSLContext trustingContext() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        return context;
    }
}
