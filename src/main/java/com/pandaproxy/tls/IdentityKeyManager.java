package com.pandaproxy.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves the proxy's one certificate and key to the TLS engine. Handing Netty the key and
 * certificate directly makes it build a password-protected PKCS#12 key store first, which cost
 * 0.4–0.6 s of every start on a 2-core machine; this key manager costs nothing.
 */
final class IdentityKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "pandaproxy";
    private final X509Certificate[] chain;
    private final PrivateKey key;

    IdentityKeyManager(ServerCertificate identity) {
        this.chain = identity.chain().toArray(new X509Certificate[0]);
        this.key = identity.key();
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // a server identity only
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
