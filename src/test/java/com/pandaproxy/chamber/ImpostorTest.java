package com.pandaproxy.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamTimings;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.Closer;
import com.pandaproxy.testutil.EventLoops;
import com.pandaproxy.testutil.RecordingPrinter;
import com.pandaproxy.tls.CertificateState;
import com.pandaproxy.tls.LocalCa;
import com.pandaproxy.tls.PrinterTrust;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import com.pandaproxy.tls.TrustMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chamber proxy's upstream when something else takes the printer's address after its certificate
 * was pinned: the impostor never receives the access code, the proxy stops connecting to it, clients
 * stay and wait, and trusting the new certificate lets the proxy in again.
 */
class ImpostorTest {
    private static final String CODE = "31415926";
    private static final Duration WAIT = Duration.ofSeconds(15);
    @RegisterExtension
    static final EventLoops LOOPS = new EventLoops(1);
    @RegisterExtension
    final Closer closer = new Closer();

    @TempDir
    Path dataDir;

    @Test
    void anImpostorAtThePrintersAddressNeverGetsTheAccessCode() throws Exception {
        LocalCa ca = LocalCa.create("Test Printer CA");
        PrinterTrust trust = PrinterTrust.of(new PrinterTrust.Settings(TrustMode.AUTO, "127.0.0.1", null, dataDir,
                List.of(ca.certificate())));
        ChamberSimulator printer = ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(10, 320, 240, 2),
                ca.issue("01P00A000000001"));
        int port = printer.port();
        StatusBoard status = new StatusBoard(CameraType.CHAMBER);
        trust.addListener(status::certificate);
        Tls tls = new Tls(Tls.defaultProvider(), CompletableFuture.completedFuture(ServerCertificate.ephemeral()), trust);
        ChamberProxy proxy = closer.add(new ChamberProxy(new ProxyContext(new PrinterAddress("127.0.0.1", port, 0, new Secret(CODE)),
                tls, LOOPS.group(), status, new AuthThrottle()), new ChamberProxy.Settings("127.0.0.1", 0, 4, ChamberProxy.LOGIN_LIMIT),
                UpstreamTimings.CHAMBER.withBackoff(Duration.ofMillis(50), Duration.ofMillis(200)), null));
        proxy.start();
        ChamberViewer client = closer.add(ChamberViewer.connect(proxy.port(), CODE));
        assertEquals(1, client.take(1, WAIT).size());
        assertEquals(CertificateState.VERIFIED, status.snapshot().certificate().state());

        // the printer goes; something with a certificate of its own answers at its address
        printer.close();
        RecordingPrinter impostor = closer.add(new RecordingPrinter(LocalCa.selfSigned("01P00A000000001"), Tls.defaultProvider(), port));
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        status.addListener(s -> errors.add(String.valueOf(s.lastError())));
        Await.until("the impostor refused", WAIT, () -> status.snapshot().certificate().state() == CertificateState.CHANGED);
        Await.until("the refusal on the status board", WAIT, () -> errors.stream()
                .anyMatch(e -> e.startsWith("failed the TLS handshake (the printer's certificate changed")));
        Await.until("the proxy stops connecting", WAIT, () -> String.valueOf(status.snapshot().lastError()).startsWith("not connecting"));
        Await.until("the refused connection closed", WAIT, () -> impostor.closed() == impostor.connections());
        assertEquals(1, impostor.connections(), "one handshake refused, then no connection");
        assertEquals(0, impostor.handshakes());
        assertEquals(0, impostor.received().length, "not a byte after the handshake: no login, no access code");

        proxy.reconnect(); // a reconnect is no way around the refusal
        Await.until("the reconnect was gated", WAIT, () -> String.valueOf(status.snapshot().lastError()).startsWith("not connecting"));
        assertEquals(1, impostor.connections());
        assertFalse(client.ended(), "the client stays and waits");

        // the user trusts the new certificate: the proxy logs in there
        assertTrue(trust.trustNewCertificate());
        proxy.reconnect();
        Await.until("the login reaches the newly trusted printer", WAIT, () -> impostor.receivedText(CODE));
        assertEquals(CertificateState.PINNED, status.snapshot().certificate().state());
    }
}
