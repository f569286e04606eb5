package com.pandaproxy.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS server identity: a key and its certificate chain (the certificate first, then any CAs
 * between it and the root). The proxy's own is a self-signed EC P-256 certificate made on first
 * start and kept in the data dir (key readable by the owner only), so clients that pin it keep
 * working; the demo's simulated printer keeps one issued by a CA of its own ({@link LocalCa}).
 */
public final class ServerCertificate {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificate.class);
    /** The certificate file in the data dir: what clients may be told to trust. */
    public static final String CERT_FILE = "pandaproxy-cert.pem";
    static final String KEY_FILE = "pandaproxy-key.pem";

    private final List<X509Certificate> chain;
    private final PrivateKey key;

    ServerCertificate(List<X509Certificate> chain, PrivateKey key) {
        this.chain = List.copyOf(chain);
        this.key = key;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The certificate, then the CAs between it and the root (none for a self-signed one). */
    public List<X509Certificate> chain() {
        return chain;
    }

    public PrivateKey key() {
        return key;
    }

    /** Loads the proxy's certificate from {@code dataDir}, or makes and stores a new one. */
    public static ServerCertificate loadOrCreate(Path dataDir, String bindAddress) throws IOException {
        return loadOrCreate(dataDir, CERT_FILE, KEY_FILE, () -> create(subjectNames(bindAddress)));
    }

    /**
     * Loads an identity from {@code certFile} (PEM chain) and {@code keyFile} in {@code dataDir}, or
     * stores the one {@code create} makes there.
     */
    public static ServerCertificate loadOrCreate(Path dataDir, String certFile, String keyFile,
            Supplier<ServerCertificate> create) throws IOException {
        Path certPath = dataDir.resolve(certFile);
        Path keyPath = dataDir.resolve(keyFile);
        if (Files.exists(certPath) && Files.exists(keyPath)) {
            try {
                ServerCertificate loaded = load(certPath, keyPath);
                LOG.info("Using TLS certificate {}", certPath);
                return loaded;
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot read the TLS certificate in " + dataDir
                        + " (delete " + certFile + " and " + keyFile + " to make a new one): " + e.getMessage(), e);
            }
        }
        Files.createDirectories(dataDir);
        ServerCertificate created = create.get();
        try {
            writePrivate(keyPath, pem("PRIVATE KEY", created.key.getEncoded()));
            writePrivate(certPath, pem(created.chain));
        } catch (CertificateEncodingException e) {
            throw new IOException(e.getMessage(), e);
        }
        LOG.info("Created TLS certificate {}", certPath);
        return created;
    }

    /** Certificates as PEM text, one block each. */
    static String pem(List<X509Certificate> certificates) throws CertificateEncodingException {
        StringBuilder text = new StringBuilder();
        for (X509Certificate c : certificates) {
            text.append(pem("CERTIFICATE", c.getEncoded()));
        }
        return text.toString();
    }

    /** A fresh in-memory certificate for loopback (simulated printers, tests): never persisted. */
    public static ServerCertificate ephemeral() {
        return create(new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1")));
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

    /** A new self-signed certificate for {@code names}, valid for ten years, kept in memory only (simulators, tests). */
    public static ServerCertificate create(Set<String> names) {
        return create("PandaProxy", names);
    }

    /**
     * A new self-signed certificate for {@code names} whose subject is {@code CN=commonName}, kept in
     * memory only: a simulated printer's carries its serial number there, as a BambuLab printer's does.
     */
    public static ServerCertificate create(String commonName, Set<String> names) {
        try {
            KeyPair pair = Certificates.ecKeyPair();
            return new ServerCertificate(List.of(Certificates.selfSigned(pair, commonName, false, names)), pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS certificate: " + e.getMessage(), e);
        }
    }

    /** Reads with the JDK alone, so a start with a stored certificate does not load Bouncy Castle. */
    private static ServerCertificate load(Path certPath, Path keyPath) throws IOException {
        try (InputStream in = Files.newInputStream(certPath)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new IOException("no certificate in " + certPath);
            }
            return new ServerCertificate(chain, privateKey(pemBody(Files.readString(keyPath, StandardCharsets.US_ASCII), "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** A PKCS#8 key of the kinds a certificate file may hold: EC (ours), RSA or Ed25519 (one a user put there). */
    private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (InvalidKeySpecException e) {
                last = e;
            }
        }
        throw new InvalidKeySpecException("not an EC, RSA or Ed25519 private key", last);
    }

    /** The bytes of the PEM block labelled {@code label} in {@code text}. */
    private static byte[] pemBody(String text, String label) throws IOException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        if (to < 0) {
            throw new IOException("no " + label + " block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IOException("bad base64 in the " + label + " block", e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
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
