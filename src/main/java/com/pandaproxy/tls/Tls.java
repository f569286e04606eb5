package com.pandaproxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLException;

/**
 * The TLS contexts of one proxy: the server side (clients → proxy) with the proxy's certificate,
 * and the client side (proxy → printer), which by default trusts the printer's self-signed
 * certificate without verifying it, as every BambuLab client does.
 */
public final class Tls {
    private final SslContext server;
    private final SslContext client;
    private final SslProvider provider;

    public Tls(ServerCertificate identity, SslProvider provider) throws SSLException {
        this.provider = provider;
        // clients are not asked for certificates; naming a trust manager keeps Netty from loading
        // the JDK's default one, which parses the whole CA store into the heap (≈ 2 MB)
        this.server = SslContextBuilder.forServer(identity.key(), identity.certificate())
                .sslProvider(provider)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
        this.client = SslContextBuilder.forClient()
                .sslProvider(provider)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
    }

    /** The fastest engine available: BoringSSL (netty-tcnative) when its native library loads, else the JDK's. */
    public static SslProvider defaultProvider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    public SslContext server() {
        return server;
    }

    public SslContext client() {
        return client;
    }

    public SslProvider provider() {
        return provider;
    }
}
