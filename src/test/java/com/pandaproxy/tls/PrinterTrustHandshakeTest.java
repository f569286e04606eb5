package com.pandaproxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.EventLoops;
import com.pandaproxy.testutil.RecordingPrinter;
import com.pandaproxy.testutil.TlsLogin;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy inside real TLS handshakes, with both engines (the JDK's, and BoringSSL when it loads):
 * the decision is taken in the handshake, so a refused printer never gets a byte of application data.
 */
class PrinterTrustHandshakeTest {
    private static final String SERIAL = "01P00A000000001";
    private static final String CODE = "s3cr3tc0de";
    private static final LocalCa CA = LocalCa.create("Test Printer CA");
    @RegisterExtension
    static final EventLoops LOOPS = new EventLoops(1);

    @TempDir
    Path dir;

    static Stream<SslProvider> engines() {
        return OpenSsl.isAvailable() ? Stream.of(SslProvider.JDK, SslProvider.OPENSSL) : Stream.of(SslProvider.JDK);
    }

    private PrinterTrust trust(TrustMode mode, String serial) {
        return PrinterTrust.of(new PrinterTrust.Settings(mode, "127.0.0.1", serial, dir, List.of(CA.certificate())));
    }

    /** Connects through {@code trust}'s client context and, as the proxy does, sends the code once the handshake succeeded. */
    private static Throwable login(SslProvider engine, PrinterTrust trust, int port) throws Exception {
        Tls tls = new Tls(engine, CompletableFuture.completedFuture(ServerCertificate.ephemeral()), trust);
        return TlsLogin.run(LOOPS.group(), tls.client(), port, CODE.getBytes(StandardCharsets.US_ASCII)).failure();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aPrinterVerifiedAgainstItsCaGetsTheCode(SslProvider engine) throws Exception {
        PrinterTrust trust = trust(TrustMode.BAMBU, SERIAL);
        try (RecordingPrinter printer = new RecordingPrinter(CA.issue(SERIAL), engine, 0)) {
            assertNull(login(engine, trust, printer.port()));
            Await.until("the code arrives", Duration.ofSeconds(5), () -> printer.receivedText(CODE));
        }
        assertEquals(CertificateState.VERIFIED, trust.status().state());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aChainThroughADeviceCaReachesThePolicyWhole(SslProvider engine) throws Exception {
        LocalCa root = LocalCa.create("Test CA2");
        PrinterTrust trust = PrinterTrust.of(new PrinterTrust.Settings(TrustMode.BAMBU, "127.0.0.1", SERIAL, dir, List.of(root.certificate())));
        try (RecordingPrinter printer = new RecordingPrinter(root.intermediate("Test Device CA").issue(SERIAL), engine, 0)) {
            assertNull(login(engine, trust, printer.port()));
        }
        assertEquals(CertificateState.VERIFIED, trust.status().state());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void bambuRefusesAnUnknownCaInTheHandshake(SslProvider engine) throws Exception {
        PrinterTrust trust = trust(TrustMode.BAMBU, SERIAL);
        try (RecordingPrinter printer = new RecordingPrinter(LocalCa.create("Impostor CA").issue(SERIAL), engine, 0)) {
            Throwable failure = login(engine, trust, printer.port());
            assertTrue(failure != null, "the handshake must fail");
            String why = PrinterTrust.refusal(failure);
            assertTrue(why != null && why.endsWith("it is not signed by a BambuLab printer CA (issuer: Impostor CA)"), String.valueOf(failure));
            Await.until("the connection closes", Duration.ofSeconds(5), () -> printer.closed() == 1);
            assertEquals(0, printer.received().length);
        }
        assertEquals(CertificateState.REFUSED, trust.status().state());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void anImpostorAtThePrintersAddressAfterPinningNeverReceivesTheCode(SslProvider engine) throws Exception {
        PrinterTrust trust = trust(TrustMode.AUTO, null);
        int port;
        try (RecordingPrinter printer = new RecordingPrinter(CA.issue(SERIAL), engine, 0)) {
            port = printer.port();
            assertNull(login(engine, trust, port));
        }
        for (ServerCertificate impostorId : List.of(LocalCa.selfSigned(SERIAL), LocalCa.create("Impostor CA").issue(SERIAL))) {
            try (RecordingPrinter impostor = new RecordingPrinter(impostorId, engine, port)) {
                Throwable failure = login(engine, trust, port);
                assertTrue(failure != null, "the handshake with the impostor must fail");
                assertTrue(String.valueOf(PrinterTrust.refusal(failure)).startsWith("the printer's certificate changed"), String.valueOf(failure));
                Await.until("the impostor's connection closes", Duration.ofSeconds(5), () -> impostor.closed() == 1);
                assertEquals(0, impostor.handshakes());
                assertFalse(impostor.receivedText(CODE));
                assertEquals(0, impostor.received().length);
                assertEquals(CertificateState.CHANGED, trust.status().state());
                assertFalse(trust.mayConnect());

                // the control: without the policy, the same impostor gets the code
                assertNull(login(engine, PrinterTrust.off(), port));
                Await.until("the code arrives at the impostor", Duration.ofSeconds(5), () -> impostor.receivedText(CODE));
            }
            trust.retry();
        }
    }
}
