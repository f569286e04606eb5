package com.pandaproxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.tls.PrinterCa.Verdict;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrinterCaTest {
    private static final String SERIAL = "01P00A000000001";
    private static final LocalCa CA = LocalCa.create("Test Printer CA");
    private static final PrinterCa VERIFIER = new PrinterCa(List.of(CA.certificate()));

    private static X509Certificate[] chain(ServerCertificate id) {
        return id.chain().toArray(new X509Certificate[0]);
    }

    @Test
    void bundledBambuLabCasAreInTheJar() {
        List<X509Certificate> cas = PrinterCa.bundled();
        assertEquals(5, cas.size());
        assertEquals(List.of("BBL CA2 RSA", "BBL CA2 ECC", "BBL CA2 RSA", "BBL CA2 ECC", "BBL CA"),
                cas.stream().map(c -> PrinterCa.commonName(c.getSubjectX500Principal())).toList());
    }

    @Test
    void aCertificateFromAKnownCaForTheSerialVerifies() {
        X509Certificate[] chain = chain(CA.issue(SERIAL));
        assertEquals(Verdict.Kind.VERIFIED, VERIFIER.verify(chain, SERIAL).kind());
        assertEquals(Verdict.Kind.VERIFIED, VERIFIER.verify(chain, SERIAL.toLowerCase()).kind(), "serials compare without case");
        assertEquals(Verdict.Kind.VERIFIED, VERIFIER.verify(chain, null).kind(), "no serial known: any CN");
    }

    @Test
    void anotherSerialIsNamed() {
        Verdict v = VERIFIER.verify(chain(CA.issue("01P00A999999999")), SERIAL);
        assertEquals(Verdict.Kind.WRONG_SERIAL, v.kind());
        assertEquals("it is for serial 01P00A999999999, not " + SERIAL, v.reason());
    }

    @Test
    void unknownCaAndSelfSignedDoNotVerify() {
        Verdict other = VERIFIER.verify(chain(LocalCa.create("Someone Else's CA").issue(SERIAL)), SERIAL);
        assertEquals(Verdict.Kind.UNTRUSTED, other.kind());
        assertTrue(other.reason().contains("not signed by a BambuLab printer CA (issuer: Someone Else's CA)"), other.reason());
        Verdict self = VERIFIER.verify(chain(LocalCa.selfSigned(SERIAL)), SERIAL);
        assertEquals(new Verdict(Verdict.Kind.UNTRUSTED, "it is self-signed"), self);
        assertEquals(Verdict.Kind.UNTRUSTED, new PrinterCa(List.of()).verify(chain(CA.issue(SERIAL)), SERIAL).kind(),
                "the test CA is not trusted unless added");
    }

    @Test
    void anExpiredCertificateIsToldApartFromAnUntrustedOne() {
        Instant now = Instant.now();
        Verdict v = VERIFIER.verify(chain(CA.issue(SERIAL, now.minus(Duration.ofDays(800)), now.minus(Duration.ofDays(2)))), SERIAL);
        assertEquals(Verdict.Kind.EXPIRED, v.kind());
        assertTrue(v.reason().startsWith("it is valid only from "), v.reason());
        Verdict early = VERIFIER.verify(chain(CA.issue(SERIAL, now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(800)))), SERIAL);
        assertEquals(Verdict.Kind.EXPIRED, early.kind(), "not yet valid (a clock behind) counts as out of date");
        assertEquals(Verdict.Kind.UNTRUSTED, VERIFIER.verify(chain(LocalCa.create("Other").issue(SERIAL,
                now.minus(Duration.ofDays(800)), now.minus(Duration.ofDays(2)))), SERIAL).kind());
    }

    @Test
    void aChainThroughADeviceCaVerifiesWhenThePrinterSendsIt() {
        LocalCa root = LocalCa.create("Test CA2");
        ServerCertificate printer = root.intermediate("Test Device CA N1").issue(SERIAL);
        assertEquals(2, printer.chain().size());
        PrinterCa verifier = new PrinterCa(List.of(root.certificate()));
        assertEquals(Verdict.Kind.VERIFIED, verifier.verify(chain(printer), SERIAL).kind());
        assertEquals(Verdict.Kind.UNTRUSTED, verifier.verify(new X509Certificate[] {printer.certificate()}, SERIAL).kind(),
                "without the device CA there is no path");
    }

    @Test
    void commonNamesFromTheNetworkArePrintableAndShort() {
        assertEquals("a?b", PrinterCa.commonName(new javax.security.auth.x500.X500Principal("CN=a\nb")));
        assertEquals("x".repeat(64) + "...", PrinterCa.commonName(new javax.security.auth.x500.X500Principal("CN=" + "x".repeat(100))));
        assertEquals("C=CN", PrinterCa.commonName(new javax.security.auth.x500.X500Principal("C=CN")));
    }
}
