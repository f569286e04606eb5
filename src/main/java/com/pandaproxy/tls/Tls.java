package com.pandaproxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS contexts of one proxy: the server side (clients → proxy) with the proxy's certificate,
 * and the client side (proxy → printer), which trusts the printer's self-signed certificate
 * without verifying it, as every BambuLab client does, but notices its own ({@link #selfConnection()}).
 */
public final class Tls {
    private final SslProvider provider;
    private final SslContext client;
    private final CompletableFuture<SslContext> server;
    private final CompletableFuture<String> selfConnection = new CompletableFuture<>();

    public Tls(ServerCertificate identity, SslProvider provider) throws SSLException {
        this(provider, CompletableFuture.completedFuture(identity));
        server();
    }

    /**
     * The client side at once; the server side as soon as {@code identity} is there (loading or
     * making the certificate then overlaps with connecting to the printer at start).
     */
    public Tls(SslProvider provider, CompletableFuture<ServerCertificate> identity) throws SSLException {
        this.provider = provider;
        this.client = SslContextBuilder.forClient()
                .sslProvider(provider)
                .trustManager(new PrinterTrust(identity))
                .build();
        this.server = identity.thenApply(id -> {
            try {
                // clients are not asked for certificates; naming a trust manager keeps Netty from loading
                // the JDK's default one, which parses the whole CA store into the heap (≈ 2 MB)
                KeyManagerFactory keys = new KeyManagerFactoryWrapper(new IdentityKeyManager(id));
                if (provider != SslProvider.JDK) {
                    // BoringSSL takes the key and certificate in its own form: convert them once,
                    // not in every handshake
                    keys = new OpenSslCachingX509KeyManagerFactory(keys);
                }
                return SslContextBuilder.forServer(keys)
                        .sslProvider(provider)
                        .trustManager(InsecureTrustManagerFactory.INSTANCE)
                        .build();
            } catch (SSLException e) {
                throw new CompletionException(e);
            }
        });
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

    /**
     * Trusts the printer's certificate without verifying it, as every BambuLab client does,
     * except the proxy's own: then the "printer" is this proxy.
     */
    private final class PrinterTrust extends X509ExtendedTrustManager {
        private final CompletableFuture<ServerCertificate> identity;

        PrinterTrust(CompletableFuture<ServerCertificate> identity) {
            this.identity = identity;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            ServerCertificate own = identity.isDone() && !identity.isCompletedExceptionally() ? identity.join() : null;
            if (own != null && chain != null && chain.length > 0 && chain[0].equals(own.certificate())) {
                String message = "the printer's address leads back to this proxy (it answered with the proxy's own"
                        + " certificate): --printer-ip must be the printer's address, not the proxy's";
                selfConnection.complete(message);
                throw new CertificateException(message);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    public SslProvider provider() {
        return provider;
    }
}
