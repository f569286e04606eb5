package com.pandaproxy.tls;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy's decisions, fed chains directly through its trust manager (handshakes: {@link PrinterTrustHandshakeTest}). */
class PrinterTrustTest {
    private static final String SERIAL = "01P00A000000001";
    private static final String ADDRESS = "192.0.2.10";
    private static final LocalCa CA = LocalCa.create("Test Printer CA");
    private static final ServerCertificate PRINTER = CA.issue(SERIAL);

    @TempDir
    Path dir;

    private PrinterTrust trust(TrustMode mode, String serial) {
        return PrinterTrust.of(new PrinterTrust.Settings(mode, ADDRESS, serial, dir, List.of(CA.certificate())));
    }

    private static void present(PrinterTrust trust, ServerCertificate printer) throws CertificateException {
        trust.trustManager().checkServerTrusted(printer.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA");
    }

    private static CertificateException refused(PrinterTrust trust, ServerCertificate printer) {
        return assertThrows(CertificateException.class, () -> present(trust, printer));
    }

    private static ServerCertificate expired(String serial) {
        Instant now = Instant.now();
        return CA.issue(serial, now.minus(Duration.ofDays(900)), now.minus(Duration.ofDays(3)));
    }

    private static String sha256(ServerCertificate c) throws Exception {
        return PrinterTrust.sha256(c.certificate());
    }

    // ---- bambu ----

    @Test
    void bambuAcceptsTheSerialsCertificateFromATrustedCa() throws Exception {
        PrinterTrust trust = trust(TrustMode.BAMBU, SERIAL);
        assertEquals(CertificateState.UNKNOWN, trust.status().state());
        present(trust, PRINTER);
        assertEquals(new TrustStatus(CertificateState.VERIFIED, sha256(PRINTER), SERIAL, null, null), trust.status());
        assertTrue(Files.readString(dir.resolve(PinStore.FILE)).contains(SERIAL));
    }

    @Test
    void bambuRefusesAnotherSerialAnUnknownCaAndSelfSigned() {
        PrinterTrust trust = trust(TrustMode.BAMBU, SERIAL);
        assertTrue(refused(trust, CA.issue("01P00A999999999")).getMessage().endsWith("it is for serial 01P00A999999999, not " + SERIAL));
        assertEquals(CertificateState.REFUSED, trust.status().state());
        assertEquals("01P00A999999999", trust.status().newCn());
        assertTrue(refused(trust, LocalCa.create("Impostor CA").issue(SERIAL)).getMessage().contains("not signed by a BambuLab printer CA"));
        assertTrue(refused(trust, LocalCa.selfSigned(SERIAL)).getMessage().endsWith("it is self-signed"));
        assertTrue(trust.mayConnect(), "a refusal by the CA check retries with backoff: the printer may come back");
        assertFalse(Files.exists(dir.resolve(PinStore.FILE)), "nothing refused is pinned");
    }

    @Test
    void bambuLearnsTheSerialFromTheFirstVerifiedCertificate() throws Exception {
        PrinterTrust trust = trust(TrustMode.BAMBU, null);
        present(trust, PRINTER);
        assertTrue(refused(trust, CA.issue("01P00A999999999")).getMessage().endsWith("not " + SERIAL));
        ServerCertificate renewed = CA.issue(SERIAL);
        present(trust, renewed);
        assertEquals(sha256(renewed), trust.status().sha256());
        // and after a restart
        assertTrue(refused(trust(TrustMode.BAMBU, null), CA.issue("01P00A999999999")).getMessage().endsWith("not " + SERIAL));
    }

    @Test
    void bambuAcceptsAnExpiredCertificateOnlyWhenItIsThePinnedOne() throws Exception {
        ServerCertificate old = expired(SERIAL);
        assertTrue(refused(trust(TrustMode.BAMBU, SERIAL), old).getMessage().contains("and it is not the certificate pinned earlier"));
        present(trust(TrustMode.AUTO, SERIAL), old); // pinned while in auto mode
        PrinterTrust trust = trust(TrustMode.BAMBU, SERIAL);
        present(trust, old);
        present(trust, old);
        assertEquals(CertificateState.VERIFIED, trust.status().state());
        refused(trust, expired(SERIAL));
    }

    // ---- pin ----

    @Test
    void pinTrustsTheFirstCertificateOnlyAcrossRestarts() throws Exception {
        ServerCertificate first = LocalCa.selfSigned("printer");
        PrinterTrust trust = trust(TrustMode.PIN, null);
        present(trust, first);
        present(trust, first);
        assertEquals(new TrustStatus(CertificateState.PINNED, sha256(first), "printer", null, null), trust.status());
        assertTrue(trust.mayConnect());

        PrinterTrust restarted = trust(TrustMode.PIN, null);
        assertEquals(CertificateState.PINNED, restarted.status().state());
        present(restarted, first);
        refused(restarted, PRINTER);
        assertEquals(new TrustStatus(CertificateState.CHANGED, sha256(first), "printer", sha256(PRINTER), SERIAL), restarted.status());
        assertFalse(restarted.mayConnect());
    }

    @Test
    void pinKeepsOneCertificatePerPrinterAddress() throws Exception {
        present(trust(TrustMode.PIN, null), PRINTER);
        PrinterTrust other = PrinterTrust.of(new PrinterTrust.Settings(TrustMode.PIN, "[2001:DB8::7]", null, dir, List.of()));
        ServerCertificate second = LocalCa.selfSigned("second");
        present(other, second);
        present(trust(TrustMode.PIN, null), PRINTER);
        present(PrinterTrust.of(new PrinterTrust.Settings(TrustMode.PIN, "2001:db8::7", null, dir, List.of())), second);
    }

    // ---- auto ----

    @Test
    void autoVerifiesWhatItCanAndPinsTheRestWithAWarning() throws Exception {
        PrinterTrust trust = trust(TrustMode.AUTO, SERIAL);
        present(trust, PRINTER);
        assertEquals(CertificateState.VERIFIED, trust.status().state());

        for (ServerCertificate unverifiable : List.of(LocalCa.selfSigned(SERIAL), LocalCa.create("Other CA").issue(SERIAL),
                CA.issue("01P00A999999999"))) {
            Path fresh = Files.createTempDirectory(dir, "fresh");
            PrinterTrust pinning = PrinterTrust.of(new PrinterTrust.Settings(TrustMode.AUTO, ADDRESS, SERIAL, fresh, List.of(CA.certificate())));
            present(pinning, unverifiable);
            assertEquals(CertificateState.PINNED, pinning.status().state());
            present(pinning, unverifiable);
        }
    }

    @Test
    void autoRefusesAnImpostorOncePinnedUntilTheUserTrustsIt() throws Exception {
        PrinterTrust trust = trust(TrustMode.AUTO, null);
        present(trust, PRINTER);
        ServerCertificate impostor = LocalCa.selfSigned(SERIAL);
        CertificateException e = refused(trust, impostor);
        assertTrue(e.getMessage().contains(sha256(impostor)) && e.getMessage().contains(sha256(PRINTER)), e.getMessage());
        assertEquals(new TrustStatus(CertificateState.CHANGED, sha256(PRINTER), SERIAL, sha256(impostor), SERIAL), trust.status());
        assertFalse(trust.mayConnect());
        refused(trust, CA.issue("01P00A999999999")); // verified, but for another serial

        // the user decides: the certificate refused last is trusted from now on, the old one is not
        assertTrue(trust.trustNewCertificate());
        assertEquals(new TrustStatus(CertificateState.PINNED, trust.status().sha256(), "01P00A999999999", null, null), trust.status(),
                "pinned, as it was refused; it is verified on the next connection");
        assertTrue(trust.mayConnect());
        refused(trust, PRINTER);
    }

    @Test
    void trustingTheNewCertificateOfAnUnverifiedPrinterPinsIt() throws Exception {
        PrinterTrust trust = trust(TrustMode.AUTO, null);
        ServerCertificate first = LocalCa.selfSigned("a");
        ServerCertificate second = LocalCa.selfSigned("b");
        present(trust, first);
        refused(trust, second);
        assertFalse(trust(TrustMode.AUTO, null).trustNewCertificate(), "nothing refused in a fresh run");
        assertTrue(trust.trustNewCertificate());
        assertFalse(trust.trustNewCertificate(), "only once");
        assertEquals(new TrustStatus(CertificateState.PINNED, sha256(second), "b", null, null), trust.status());
        present(trust(TrustMode.AUTO, null), second);
        refused(trust(TrustMode.AUTO, null), first);
    }

    @Test
    void autoAcceptsARenewalVerifiedForTheSameSerialOnly() throws Exception {
        PrinterTrust trust = trust(TrustMode.AUTO, null);
        present(trust, PRINTER);
        ServerCertificate renewed = CA.issue(SERIAL);
        present(trust, renewed);
        assertEquals(new TrustStatus(CertificateState.VERIFIED, sha256(renewed), SERIAL, null, null), trust.status());
        ServerCertificate otherSerial = CA.issue("01P00A999999999");
        refused(trust, otherSerial);
        assertEquals(new TrustStatus(CertificateState.CHANGED, sha256(renewed), SERIAL, sha256(otherSerial), "01P00A999999999"),
                trust.status(), "verified, but for another printer");
    }

    @Test
    void anUnverifiedPinIsNotReplacedByAVerifiedCertificateSilently() throws Exception {
        PrinterTrust trust = trust(TrustMode.AUTO, SERIAL);
        present(trust, LocalCa.selfSigned(SERIAL));
        refused(trust, PRINTER);
        assertEquals(CertificateState.CHANGED, trust.status().state());
    }

    @Test
    void anExpiredPinnedCertificateIsAccepted() throws Exception {
        ServerCertificate old = expired(SERIAL);
        PrinterTrust trust = trust(TrustMode.AUTO, SERIAL);
        present(trust, old);
        present(trust, old);
        assertEquals(CertificateState.VERIFIED, trust.status().state(), "chains to the CA for the serial: only its dates are off");
        PrinterTrust pin = trust(TrustMode.PIN, SERIAL);
        present(pin, old);
        refused(pin, expired(SERIAL));
    }

    @Test
    void deletingThePinFileTrustsTheNextCertificate() throws Exception {
        PrinterTrust trust = trust(TrustMode.AUTO, null);
        present(trust, PRINTER);
        ServerCertificate replacement = LocalCa.selfSigned("replacement");
        refused(trust, replacement);
        assertFalse(trust.mayConnect());
        Files.delete(dir.resolve(PinStore.FILE));
        assertTrue(trust.mayConnect());
        assertEquals(TrustStatus.UNKNOWN, trust.status());
        present(trust, replacement);
        assertEquals(CertificateState.PINNED, trust.status().state());
    }

    @Test
    void retryLetsTheNextConnectionTryAgainWithThePinKept() throws Exception {
        PrinterTrust trust = trust(TrustMode.AUTO, null);
        present(trust, PRINTER);
        refused(trust, LocalCa.selfSigned("impostor"));
        assertFalse(trust.mayConnect());
        trust.retry();
        assertTrue(trust.mayConnect());
        assertEquals(new TrustStatus(CertificateState.VERIFIED, sha256(PRINTER), SERIAL, null, null), trust.status());
        present(trust, PRINTER); // the printer is back
        refused(trust, LocalCa.selfSigned("impostor"));
        assertFalse(trust.mayConnect());
    }

    // ---- off, listeners ----

    @Test
    void offAcceptsAnythingAndPinsNothing() throws Exception {
        PrinterTrust trust = trust(TrustMode.OFF, SERIAL);
        assertDoesNotThrow(() -> present(trust, LocalCa.selfSigned("anything")));
        assertEquals(TrustStatus.OFF, trust.status());
        assertTrue(trust.mayConnect());
        assertFalse(Files.exists(dir.resolve(PinStore.FILE)));
    }

    @Test
    void listenersHearEachChangeOnce() throws Exception {
        PrinterTrust trust = trust(TrustMode.AUTO, null);
        List<CertificateState> heard = new CopyOnWriteArrayList<>();
        trust.addListener(s -> heard.add(s.state()));
        present(trust, PRINTER);
        present(trust, PRINTER);
        refused(trust, LocalCa.selfSigned("x"));
        trust.mayConnect();
        trust.trustNewCertificate();
        assertEquals(List.of(CertificateState.VERIFIED, CertificateState.CHANGED, CertificateState.PINNED), heard);
        assertNull(trust.status().newSha256());
    }
}
