package com.pandaproxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * The TLS contexts of one proxy: the server side (clients → proxy) with the proxy's certificate,
 * and the client side (proxy → printer), the one context every connection to the printer takes
 * (camera, detection probes, MQTT), whose trust manager is the printer's {@link PrinterTrust}: a
 * certificate it refuses ends the handshake, before any access code is sent. The proxy's own
 * certificate is always refused there: then the printer's address leads back to this proxy
 * ({@link #selfConnection()}).
 */
public final class Tls {
    private final SslProvider provider;
    private final PrinterTrust trust;
    private final SslContext client;
    private final CompletableFuture<SslContext> server;
    private final CompletableFuture<String> selfConnection = new CompletableFuture<>();

    /** With the printer's certificate not checked ({@link PrinterTrust#off()}): for tests and tools. */
    public Tls(ServerCertificate identity, SslProvider provider) throws SSLException {
        this(provider, CompletableFuture.completedFuture(identity), PrinterTrust.off());
        server();
    }

    /**
     * The client side at once; the server side as soon as {@code identity} is there (loading or
     * making the certificate then overlaps with connecting to the printer at start).
     */
    public Tls(SslProvider provider, CompletableFuture<ServerCertificate> identity, PrinterTrust trust) throws SSLException {
        this.provider = provider;
        this.trust = trust;
        trust.refuseOwn(certificate -> {
            ServerCertificate own = identity.isDone() && !identity.isCompletedExceptionally() ? identity.join() : null;
            if (own == null || !certificate.equals(own.certificate())) {
                return null;
            }
            String message = "the printer's address leads back to this proxy (it answered with the proxy's own"
                    + " certificate): --printer-ip must be the printer's address, not the proxy's";
            selfConnection.complete(message);
            return message;
        });
        this.client = SslContextBuilder.forClient()
                .sslProvider(provider)
                .trustManager(trust.trustManager())
                // the printer's certificate names its serial, not its address: PrinterTrust checks the name
                .endpointIdentificationAlgorithm(null)
                .build();
        this.server = identity.thenApply(id -> {
            try {
                return serverContext(id, provider);
            } catch (SSLException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** A TLS server context presenting {@code identity} (the proxy's own, or a simulated printer's). */
    public static SslContext serverContext(ServerCertificate identity, SslProvider provider) throws SSLException {
        // clients are not asked for certificates; naming a trust manager keeps Netty from loading
        // the JDK's default one, which parses the whole CA store into the heap (≈ 2 MB)
        KeyManagerFactory keys = new KeyManagerFactoryWrapper(new IdentityKeyManager(identity));
        if (provider != SslProvider.JDK) {
            // BoringSSL takes the key and certificate in its own form: convert them once,
            // not in every handshake
            keys = new OpenSslCachingX509KeyManagerFactory(keys);
        }
        return SslContextBuilder.forServer(keys)
                .sslProvider(provider)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
    }

    /** The fastest engine available: BoringSSL (netty-tcnative) when its native library loads, else the JDK's. */
    public static SslProvider defaultProvider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * The server side (clients → proxy), waiting for it if the certificate is still being read.
     *
     * @throws IllegalStateException if the certificate could not be read or made
     */
    public SslContext server() {
        try {
            return server.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    /** The client side (proxy → printer): every connection to the printer takes this one, so the trust policy covers it. */
    public SslContext client() {
        return client;
    }

    /**
     * Completes, with one sentence for the user, when a connection made with {@link #client()}
     * reached this proxy itself: the printer's address leads back here (the same host and port,
     * or a port forward or Docker's NAT in between). Such a connection fails its handshake.
     */
    public CompletableFuture<String> selfConnection() {
        return selfConnection;
    }

    /** The printer's certificate policy the client side applies. */
    public PrinterTrust trust() {
        return trust;
    }

    public SslProvider provider() {
        return provider;
    }
}
