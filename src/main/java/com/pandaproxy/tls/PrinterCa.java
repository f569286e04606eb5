package com.pandaproxy.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Verifies a printer's certificate chain against the BambuLab printer CAs ({@code bambu-printer-ca.pem}:
 * BBL CA, BBL CA2 RSA and BBL CA2 ECC, the file Bambu Studio ships as {@code printer.cer}) and any
 * CAs added with {@code --printer-ca}. A printer's certificate names its serial number as CN.
 *
 * <p>The path is built with the JDK's PKIX builder (chains arrive as the printer sends them: the
 * leaf alone from older printers, leaf and device CA from newer ones). No revocation checks: a
 * printer on a LAN has no way to fetch a CRL, and BambuLab publishes none.
 */
final class PrinterCa {
    static final String BUNDLED = "bambu-printer-ca.pem";

    /** The outcome of {@link #verify}: what the chain is, with a sentence saying why when it does not verify. */
    record Verdict(Kind kind, String reason) {
        enum Kind {
            /** Chains to a known CA, valid now, CN is the serial (or no serial is known). */
            VERIFIED,
            /** As {@link #VERIFIED} but outside its validity period. */
            EXPIRED,
            /** Chains to a known CA, but its CN is another serial. */
            WRONG_SERIAL,
            /** Does not chain to a known CA. */
            UNTRUSTED
        }

        boolean verified() {
            return kind == Kind.VERIFIED;
        }
    }

    private final Set<TrustAnchor> anchors;

    /** The bundled BambuLab CAs plus {@code extra}. */
    PrinterCa(List<X509Certificate> extra) {
        List<X509Certificate> all = new ArrayList<>(bundled());
        all.addAll(extra);
        Set<TrustAnchor> set = new HashSet<>();
        for (X509Certificate c : all) {
            set.add(new TrustAnchor(c, null));
        }
        this.anchors = Set.copyOf(set);
    }

    /** The bundled CAs plus {@code extra}, with one path checked (BBL CA2 RSA by BBL CA) so the JDK's classes for it are loaded. */
    static PrinterCa warm(List<X509Certificate> extra) {
        PrinterCa ca = new PrinterCa(extra);
        List<X509Certificate> bundled = bundled();
        ca.verify(new X509Certificate[] {bundled.get(2)}, null);
        return ca;
    }

    /** The CA certificates in the jar. */
    static List<X509Certificate> bundled() {
        try (InputStream in = PrinterCa.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " is missing from the jar");
            }
            return parse(in);
        } catch (IOException | CertificateException e) {
            throw new IllegalStateException("cannot read the bundled printer CAs: " + e.getMessage(), e);
        }
    }

    /** The certificates in a PEM (or DER) file, at least one. */
    static List<X509Certificate> read(Path file) throws IOException {
        if (Files.size(file) > 1 << 20) {
            throw new IOException(file + " is over 1 MiB: not a CA certificate file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = parse(in);
            if (certs.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return certs;
        } catch (CertificateException e) {
            throw new IOException(file + " is not a PEM certificate file (" + e.getMessage() + ")", e);
        }
    }

    private static List<X509Certificate> parse(InputStream in) throws CertificateException {
        Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : certs) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    /**
     * Verifies {@code chain} (leaf first, as the printer sent it).
     *
     * @param serial the printer's serial number the leaf's CN must be, or null when not known
     */
    Verdict verify(X509Certificate[] chain, String serial) {
        X509Certificate leaf = chain[0];
        if (builds(chain, null)) {
            return serialVerdict(leaf, serial, Verdict.Kind.VERIFIED, "");
        }
        // otherwise valid, only outside its dates? (a printer kept offline cannot renew its certificate)
        Date lastValid = Arrays.stream(chain).map(X509Certificate::getNotAfter).min(Date::compareTo).orElseThrow();
        if (!lastValid.before(leaf.getNotBefore()) && builds(chain, lastValid)) {
            return serialVerdict(leaf, serial, Verdict.Kind.EXPIRED,
                    "it is valid only from " + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant());
        }
        if (leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal())) {
            return new Verdict(Verdict.Kind.UNTRUSTED, "it is self-signed");
        }
        return new Verdict(Verdict.Kind.UNTRUSTED, "it is not signed by a BambuLab printer CA (issuer: "
                + commonName(leaf.getIssuerX500Principal()) + ")");
    }

    private static Verdict serialVerdict(X509Certificate leaf, String serial, Verdict.Kind kind, String reason) {
        String cn = commonName(leaf.getSubjectX500Principal());
        if (serial != null && !serial.equalsIgnoreCase(cn)) {
            return new Verdict(Verdict.Kind.WRONG_SERIAL, "it is for serial " + cn + ", not " + serial);
        }
        return new Verdict(kind, reason);
    }

    /** Whether a path from the leaf to one of our CAs is valid at {@code date} (null: now). */
    private boolean builds(X509Certificate[] chain, Date date) {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain[0]);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(Arrays.asList(chain))));
            if (date != null) {
                params.setDate(date);
            }
            CertPathBuilder.getInstance("PKIX").build(params);
            return true;
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalStateException(e); // anchors are never empty
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The CN of a name (the most specific one), or the whole name when it has none; printable and at
     * most 64 characters, since it comes from whoever answers and goes into logs and MQTT states.
     */
    static String commonName(X500Principal name) {
        String cn = name.getName();
        try {
            List<Rdn> rdns = new LdapName(name.getName(X500Principal.RFC2253)).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdns.get(i).getValue());
                    break;
                }
            }
        } catch (InvalidNameException e) {
            // the whole name, then
        }
        cn = cn.replaceAll("[^\\x20-\\x7e]", "?");
        return cn.length() > 64 ? cn.substring(0, 64) + "..." : cn;
    }
}
