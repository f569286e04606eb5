package com.pandaproxy.ha;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** The TLS socket factory for an {@code ssl://} broker: a given CA file, any certificate, or the JVM's defaults. */
final class MqttTls {
    private MqttTls() {
    }

    /** Null means Paho's own default (the JVM trust store). */
    static SSLSocketFactory socketFactory(MqttSettings settings) throws IOException, GeneralSecurityException {
        if (settings.insecure()) {
            SSLContext context = SSLContext.getInstance("TLS");
            // --mqtt-insecure: the user chose to trust whatever the broker presents
            context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            return context.getSocketFactory();
        }
        if (settings.caFile() != null) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(settings.caFile())) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new GeneralSecurityException("no certificate in " + settings.caFile());
            }
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context.getSocketFactory();
        }
        return null;
    }
}
