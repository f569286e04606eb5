package com.pandaproxy.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * A certificate authority made on this machine, that issues printer certificates the way BambuLab's
 * CAs do (the serial number as CN): for the demo's simulated printer and for tests. EC P-256 keys.
 */
public final class LocalCa {
    private final KeyPair keys;
    private final X509Certificate certificate;
    /** This CA's certificate and those between it and the root, the root left out. */
    private final List<X509Certificate> path;

    private LocalCa(KeyPair keys, X509Certificate certificate, List<X509Certificate> path) {
        this.keys = keys;
        this.certificate = certificate;
        this.path = List.copyOf(path);
    }

    /** A new root CA named {@code cn}, valid for ten years. */
    public static LocalCa create(String cn) {
        KeyPair keys = Certificates.ecKeyPair();
        try {
            return new LocalCa(keys, Certificates.selfSigned(keys, cn, true, Set.of()), List.of());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a CA certificate: " + e.getMessage(), e);
        }
    }

    /** The CA's own certificate: what a client trusts ({@code --printer-ca}). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA's certificate as PEM text, for a file to give {@code --printer-ca}. */
    public String certificatePem() {
        try {
            return ServerCertificate.pem(List.of(certificate));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CA signed by this one (as BambuLab's per-series device CAs are signed by BBL CA2). */
    public LocalCa intermediate(String cn) {
        KeyPair sub = Certificates.ecKeyPair();
        Instant now = Instant.now();
        try {
            X509Certificate cert = Certificates.sign(new X500Principal("CN=" + cn), sub.getPublic(),
                    certificate.getSubjectX500Principal(), keys.getPrivate(), now.minus(Duration.ofDays(1)), now.plus(Certificates.TEN_YEARS), true, Set.of());
            List<X509Certificate> subPath = new ArrayList<>();
            subPath.add(cert);
            subPath.addAll(path);
            return new LocalCa(sub, cert, subPath);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a CA certificate: " + e.getMessage(), e);
        }
    }

    /** A printer certificate with {@code cn} (the serial number), valid from yesterday for ten years. */
    public ServerCertificate issue(String cn) {
        Instant now = Instant.now();
        return issue(cn, now.minus(Duration.ofDays(1)), now.plus(Certificates.TEN_YEARS));
    }

    /** A printer certificate with {@code cn}, valid from {@code from} to {@code to}; its chain ends below the root. */
    public ServerCertificate issue(String cn, Instant from, Instant to) {
        KeyPair leaf = Certificates.ecKeyPair();
        try {
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(Certificates.sign(new X500Principal("CN=" + cn), leaf.getPublic(), certificate.getSubjectX500Principal(),
                    keys.getPrivate(), from, to, false, Set.of()));
            chain.addAll(path);
            return new ServerCertificate(chain, leaf.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate: " + e.getMessage(), e);
        }
    }

    /** A self-signed certificate with {@code cn}, as a device that made its own would present. */
    public static ServerCertificate selfSigned(String cn) {
        KeyPair keys = Certificates.ecKeyPair();
        try {
            return new ServerCertificate(List.of(Certificates.selfSigned(keys, cn, false, Set.of())), keys.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate: " + e.getMessage(), e);
        }
    }
}
