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
 * and the client side (proxy → printer), which by default trusts the printer's self-signed
 * certificate without verifying it, as every BambuLab client does.
 */
public final class Tls {
    private final SslProvider provider;
    private final SslContext client;
    private final CompletableFuture<SslContext> server;

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
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
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

    public SslProvider provider() {
        return provider;
    }
}
