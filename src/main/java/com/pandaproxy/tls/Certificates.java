package com.pandaproxy.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes certificates with Bouncy Castle (the JDK has no public API for it). Kept apart from
 * {@link ServerCertificate} so Bouncy Castle's classes load only when a certificate is made, not
 * on every start that reads a stored one.
 */
final class Certificates {
    static final Duration TEN_YEARS = Duration.ofDays(3650);

    private Certificates() {
    }

    /** A new EC P-256 key pair. */
    static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an EC key: " + e.getMessage(), e);
        }
    }

    /** A self-signed certificate named {@code cn} for {@code keys}, valid from yesterday for ten years. */
    static X509Certificate selfSigned(KeyPair keys, String cn, boolean ca, Set<String> names) throws GeneralSecurityException {
        X500Principal name = new X500Principal("CN=" + cn);
        Instant now = Instant.now();
        return sign(name, keys.getPublic(), name, keys.getPrivate(), now.minus(Duration.ofDays(1)), now.plus(TEN_YEARS), ca, names);
    }

    /**
     * A certificate for {@code subject}'s {@code key}, signed by {@code issuerKey} in {@code issuer}'s name.
     *
     * @param ca    a CA certificate (may sign others) rather than a server's
     * @param names DNS names or IP literals for the subject alternative names; none when empty
     */
    static X509Certificate sign(X500Principal subject, PublicKey key, X500Principal issuer, PrivateKey issuerKey,
            Instant from, Instant to, boolean ca, Set<String> names) throws GeneralSecurityException {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(X500Name.getInstance(issuer.getEncoded()),
                    new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE), Date.from(from), Date.from(to),
                    X500Name.getInstance(subject.getEncoded()), key);
            if (!names.isEmpty()) {
                GeneralName[] sans = names.stream()
                        .map(n -> isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n))
                        .toArray(GeneralName[]::new);
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            }
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            }
            String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertIOException | OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static boolean isIpLiteral(String name) {
        return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
