package com.pandaproxy.printer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.chamber.ChamberProbe;
import com.pandaproxy.printer.ProbeResult.Outcome;
import com.pandaproxy.printer.TinyPrinterPort.Kind;
import com.pandaproxy.rtsp.RtspProbe;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.EventLoops;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.testutil.RecordingPrinter;
import com.pandaproxy.tls.CertificateState;
import com.pandaproxy.tls.LocalCa;
import com.pandaproxy.tls.PrinterTrust;
import com.pandaproxy.tls.Tls;
import com.pandaproxy.tls.TrustMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Detection against hand-made TLS servers on loopback. */
class CameraDetectorTest {
    private static final String CODE = "s3cr3tc0de";
    @RegisterExtension
    static final EventLoops LOOPS = new EventLoops(1);

    @TempDir
    Path dir;

    private Detection detect(int chamberPort, int rtspPort, String code) throws Exception {
        ProxyContext ctx = Contexts.of(LOOPS.group(), dir, code, chamberPort, rtspPort);
        Detection d = new CameraDetector(ctx, ChamberProbe.PROBE, RtspProbe.PROBE, Duration.ofMillis(1500)).detect()
                .get(10, TimeUnit.SECONDS);
        assertFalse(d.summary().contains(code), "the access code must not appear in " + d.summary());
        return d;
    }

    @Test
    void chamberPrinter() throws Exception {
        try (var chamber = TinyPrinterPort.start(0, Kind.CHAMBER, CODE)) {
            Detection d = detect(chamber.port(), FreePort.get(), CODE);
            assertEquals(CameraType.CHAMBER, d.type());
            assertEquals(Outcome.UNREACHABLE, d.rtsp().outcome());
            assertEquals("connection refused", d.rtsp().detail());
        }
    }

    @Test
    void rtspPrinter() throws Exception {
        try (var rtsp = TinyPrinterPort.start(0, Kind.RTSP, CODE)) {
            Detection d = detect(FreePort.get(), rtsp.port(), CODE);
            assertEquals(CameraType.RTSP, d.type());
            assertEquals(Outcome.UNREACHABLE, d.chamber().outcome());
        }
    }

    @Test
    void bothAnsweringPrefersChamber() throws Exception {
        try (var chamber = TinyPrinterPort.start(0, Kind.CHAMBER, CODE);
             var rtsp = TinyPrinterPort.start(0, Kind.RTSP, CODE)) {
            Detection d = detect(chamber.port(), rtsp.port(), CODE);
            assertEquals(CameraType.CHAMBER, d.type());
            // the chamber answer settles it; the RTSP answer is mentioned when it came first
            if (d.bothFound()) {
                assertTrue(d.summary().contains("using chamber image"), d.summary());
            } else {
                assertEquals("not waited for", d.rtsp().detail());
            }
        }
    }

    @Test
    void aChamberAnswerDoesNotWaitForASilentRtspPort() throws Exception {
        try (var chamber = TinyPrinterPort.start(0, Kind.CHAMBER, CODE);
             var silent = TinyPrinterPort.start(0, Kind.SILENT, CODE)) {
            ProxyContext ctx = Contexts.of(LOOPS.group(), dir, CODE, chamber.port(), silent.port());
            long t0 = System.nanoTime();
            Detection d = new CameraDetector(ctx, ChamberProbe.PROBE, RtspProbe.PROBE, Duration.ofSeconds(8)).detect()
                    .get(10, TimeUnit.SECONDS);
            assertEquals(CameraType.CHAMBER, d.type());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "did not wait for the RTSP probe's timeout");
        }
    }

    @Test
    void wrongAccessCodeIsRejected() throws Exception {
        try (var chamber = TinyPrinterPort.start(0, Kind.CHAMBER, CODE)) {
            Detection d = detect(chamber.port(), FreePort.get(), "wrongcode");
            assertEquals(CameraType.UNKNOWN, d.type());
            assertEquals(Outcome.REJECTED, d.chamber().outcome());
            assertTrue(d.rejected());
            assertTrue(d.summary().startsWith("the printer rejected the access code"), d.summary());
        }
    }

    @Test
    void nothingAnswering() throws Exception {
        Detection d = detect(FreePort.get(), FreePort.get(), CODE);
        assertEquals(CameraType.UNKNOWN, d.type());
        assertTrue(d.unreachable());
        assertFalse(d.rejected());
        assertTrue(d.summary().startsWith("printer 127.0.0.1 unreachable"), d.summary());
    }

    @Test
    void notTlsIsAMismatch() throws Exception {
        try (var plain = TinyPrinterPort.start(0, Kind.PLAIN, CODE)) {
            Detection d = detect(plain.port(), FreePort.get(), CODE);
            assertEquals(Outcome.MISMATCH, d.chamber().outcome());
            assertTrue(d.chamber().detail().contains("TLS"), d.chamber().detail());
            assertTrue(d.summary().startsWith("no camera protocol recognised"), d.summary());
        }
    }

    @Test
    void wrongProtocolAndSilenceAreMismatches() throws Exception {
        try (var rtspOnChamberPort = TinyPrinterPort.start(0, Kind.RTSP, CODE);
             var silent = TinyPrinterPort.start(0, Kind.SILENT, CODE)) {
            // an RTSP server reads the 80-byte login as a never-ending request: silence, then timeout
            Detection d = detect(silent.port(), rtspOnChamberPort.port(), CODE);
            assertEquals(Outcome.MISMATCH, d.chamber().outcome());
            assertTrue(d.chamber().detail().startsWith("no answer within"), d.chamber().detail());
            assertEquals(CameraType.RTSP, d.type());
        }
        try (var chamberOnRtspPort = TinyPrinterPort.start(0, Kind.CHAMBER, CODE)) {
            // the OPTIONS request is not a valid login: the chamber port hangs up
            Detection d = detect(FreePort.get(), chamberOnRtspPort.port(), CODE);
            assertEquals(Outcome.MISMATCH, d.rtsp().outcome());
            assertEquals(CameraType.UNKNOWN, d.type());
        }
    }

    @Test
    void detectionNeverSendsTheCodeToAnImpostorAndStopsConnectingToIt() throws Exception {
        LocalCa ca = LocalCa.create("Test Printer CA");
        PrinterTrust trust = PrinterTrust.of(new PrinterTrust.Settings(TrustMode.AUTO, "127.0.0.1", null, dir, List.of(ca.certificate())));
        int rtsp = FreePort.get();
        int port;
        try (ChamberSimulator printer = ChamberSimulator.start(0, CODE, ChamberSimulator.Options.DEFAULT, ca.issue("01P00A000000001"))) {
            port = printer.port();
            ProxyContext ctx = Contexts.of(LOOPS.group(), dir, CODE, port, rtsp, trust);
            assertEquals(CameraType.CHAMBER, new CameraDetector(ctx, ChamberProbe.PROBE, RtspProbe.PROBE, Duration.ofSeconds(3)).detect().get(10, TimeUnit.SECONDS).type());
        }
        assertEquals(CertificateState.VERIFIED, trust.status().state());
        try (RecordingPrinter impostor = new RecordingPrinter(LocalCa.selfSigned("01P00A000000001"), Tls.defaultProvider(), port)) {
            ProxyContext ctx = Contexts.of(LOOPS.group(), dir, CODE, port, rtsp, trust);
            CameraDetector detector = new CameraDetector(ctx, ChamberProbe.PROBE, RtspProbe.PROBE, Duration.ofSeconds(3));
            Detection d = detector.detect().get(10, TimeUnit.SECONDS);
            assertEquals(Outcome.UNTRUSTED, d.chamber().outcome());
            assertTrue(d.chamber().detail().startsWith("the printer's certificate changed"), d.chamber().detail());
            assertTrue(d.untrusted());
            assertTrue(d.summary().startsWith("the certificate at 127.0.0.1 is not trusted, so no access code was sent"), d.summary());
            Await.until("the impostor's connection closes", Duration.ofSeconds(5), () -> impostor.closed() == 1);
            assertEquals(0, impostor.handshakes());
            assertEquals(0, impostor.received().length);

            // changed: the next rounds do not even connect
            Detection again = detector.detect().get(10, TimeUnit.SECONDS);
            assertEquals(Outcome.UNTRUSTED, again.chamber().outcome());
            assertEquals(Outcome.UNTRUSTED, again.rtsp().outcome());
            assertEquals(1, impostor.connections());

            // until the user trusts the new certificate
            assertTrue(trust.trustNewCertificate());
            detector.detect().get(10, TimeUnit.SECONDS);
            assertTrue(impostor.receivedText(CODE), "trusted now: it gets the login");
        }
    }
}
