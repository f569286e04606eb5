package com.pandaproxy.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own TLS identity: a self-signed EC P-256 certificate made on first start and
 * kept in the data dir (key readable by the owner only), so clients that pin it keep working.
 */
public final class ServerCertificate {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificate.class);
    static final String CERT_FILE = "pandaproxy-cert.pem";
    static final String KEY_FILE = "pandaproxy-key.pem";

    private final X509Certificate certificate;
    private final PrivateKey key;

    private ServerCertificate(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    /** Loads the certificate from {@code dataDir}, or makes and stores a new one. */
    public static ServerCertificate loadOrCreate(Path dataDir, String bindAddress) throws IOException {
        Path certPath = dataDir.resolve(CERT_FILE);
        Path keyPath = dataDir.resolve(KEY_FILE);
        if (Files.exists(certPath) && Files.exists(keyPath)) {
            try {
                ServerCertificate loaded = load(certPath, keyPath);
                LOG.info("Using TLS certificate {}", certPath);
                return loaded;
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot read the TLS certificate in " + dataDir
                        + " (delete " + CERT_FILE + " and " + KEY_FILE + " to make a new one): " + e.getMessage(), e);
            }
        }
        Files.createDirectories(dataDir);
        ServerCertificate created = create(subjectNames(bindAddress));
        writePrivate(keyPath, pem(new PrivateKeyInfoHolder(created.key)));
        writePrivate(certPath, pem(created.certificate));
        LOG.info("Created TLS certificate {}", certPath);
        return created;
    }

    /** A fresh in-memory certificate for loopback (simulated printers, tests): never persisted. */
    public static ServerCertificate ephemeral() {
        return create(new LinkedHashSet<>(java.util.List.of("localhost", "127.0.0.1", "::1")));
    }

    static Set<String> subjectNames(String bindAddress) {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        if (bindAddress != null && !bindAddress.isBlank() && !bindAddress.equals("0.0.0.0") && !bindAddress.equals("::")) {
            names.add(bindAddress);
        }
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // no resolvable host name: the other names still work
        }
        return names;
    }

    /** A new self-signed certificate for {@code names}, kept in memory only (simulators, tests). */
    public static ServerCertificate create(Set<String> names) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=PandaProxy");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))),
                    subject, pair.getPublic());
            GeneralName[] sans = names.stream()
                    .map(n -> isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            return new ServerCertificate(new JcaX509CertificateConverter().getCertificate(holder), pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a TLS certificate: " + e.getMessage(), e);
        }
    }

    private static boolean isIpLiteral(String name) {
        return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** Reads what {@link #loadOrCreate} wrote, with the JDK alone: Bouncy Castle is only needed to make one. */
    private static ServerCertificate load(Path certPath, Path keyPath) throws IOException {
        try (InputStream in = Files.newInputStream(certPath)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pemBody(Files.readString(keyPath, StandardCharsets.US_ASCII), "PRIVATE KEY"));
            PrivateKey key = KeyFactory.getInstance(cert.getPublicKey().getAlgorithm()).generatePrivate(spec);
            return new ServerCertificate(cert, key);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static byte[] pemBody(String pem, String type) throws IOException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException("not a PEM " + type);
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }

    /** Marks a key for PEM output as PKCS#8 ("PRIVATE KEY"), which Netty and OpenSSL read. */
    private record PrivateKeyInfoHolder(PrivateKey key) { }

    private static String pem(Object value) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (value instanceof PrivateKeyInfoHolder h) {
                writer.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", h.key().getEncoded()));
            } else {
                writer.writeObject(value);
            }
        }
        return out.toString();
    }

    private static void writePrivate(Path path, String content) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING)) {
            w.write(content);
        }
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
