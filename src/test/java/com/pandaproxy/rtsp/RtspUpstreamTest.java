package com.pandaproxy.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.Upstream;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslProvider;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The upstream client against the simulated printer, over real TLS on loopback. */
class RtspUpstreamTest {
    static final String CODE = "87654321";
    static final Duration WAIT = Duration.ofSeconds(10);
    static EventLoopGroup group;

    RtspSimulator sim;
    Upstream upstream;
    UpstreamRecorder recorder = new UpstreamRecorder();
    StatusBoard status = new StatusBoard(CameraType.RTSP);

    @BeforeAll
    static void loops() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }

    @AfterEach
    void tearDown() {
        if (upstream != null) {
            upstream.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    static ProxyContext context(EventLoopGroup group, StatusBoard status, int printerPort, String code) throws Exception {
        PrinterAddress printer = new PrinterAddress("127.0.0.1", 0, printerPort, new Secret(code));
        return new ProxyContext(printer, new Tls(ServerCertificate.ephemeral(), SslProvider.JDK), group, status, new AuthThrottle());
    }

    private void startUpstream(String code, String url) throws Exception {
        recorder.framePeriod = 90_000 / 15; // the clip: 15 fps on a 90 kHz clock
        upstream = RtspUpstream.create(context(group, status, sim.port(), code), group.next(), recorder, url);
        upstream.start();
    }

    private void awaitStreaming() {
        Await.until("streaming", WAIT, () -> status.state() == UpstreamState.STREAMING && recorder.rtp.get() > 20);
    }

    @Test
    void playsTheSimulatedPrinterWithDigestFromAKeyframeWithContinuousNumbering() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
        startUpstream(CODE, null);
        awaitStreaming();
        Await.until("an RTCP sender report", WAIT, () -> recorder.rtcp.get() > 0);
        assertEquals(1, recorder.described.get());
        assertEquals(1, recorder.sdp.media().size());
        assertTrue(recorder.sdp.media().get(0).isH264());
        assertEquals(7, recorder.firstNalType, "starts with the SPS before an IDR");
        assertEquals(0, recorder.sequenceGaps.get());
        assertEquals(0, recorder.orderErrors.get());
    }

    @Test
    void basicAndDigestWithoutQopWork() throws Exception {
        for (RtspSimulator.Auth auth : new RtspSimulator.Auth[] {RtspSimulator.Auth.BASIC, RtspSimulator.Auth.DIGEST_WITHOUT_QOP}) {
            sim = RtspSimulator.start(0, CODE, auth);
            recorder = new UpstreamRecorder();
            status = new StatusBoard(CameraType.RTSP);
            startUpstream(CODE, null);
            awaitStreaming();
            upstream.close();
            sim.close();
        }
        upstream = null;
        sim = null;
    }

    @Test
    void wrongAccessCodeIsReportedAsRejectedWithoutTheSecret() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
        startUpstream("wrong-code-1234", null);
        Await.until("auth rejected", WAIT, () -> status.state() == UpstreamState.AUTH_REJECTED);
        String error = status.snapshot().lastError();
        assertTrue(error.contains("401"), error);
        assertFalse(error.contains("wrong-code-1234") || error.contains(CODE), error);
        assertEquals(0, sim.plays());
    }

    @Test
    void followsTheRedirectFromRtspToRtsps() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
        startUpstream(CODE, "rtsp://127.0.0.1:" + sim.port() + Bambu.STREAM_PATH);
        awaitStreaming();
    }

    @Test
    void followsARedirectToAnotherServerButNotForever() throws Exception {
        try (RtspSimulator other = RtspSimulator.start(0, CODE, RtspSimulator.Auth.BASIC)) {
            sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
            sim.redirect(other.url());
            startUpstream(CODE, null);
            awaitStreaming();
            assertEquals(1, other.plays());
            assertEquals(0, sim.plays());
            upstream.close();
            upstream = null;
        }
        sim.redirect(sim.url());
        status = new StatusBoard(CameraType.RTSP);
        startUpstream(CODE, null);
        Await.until("gives up redirecting", WAIT, () -> status.state() == UpstreamState.BACKING_OFF);
        assertTrue(status.snapshot().lastError().contains("redirected more than"), status.snapshot().lastError());
    }

    @Test
    void keepsTheSessionAliveAndAnswersAStaleNonce() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
        sim.sessionTimeout(2);
        startUpstream(CODE, null);
        awaitStreaming();
        Await.until("a keepalive", WAIT, () -> sim.keepalives() >= 1);
        sim.expireNonces();
        int before = sim.keepalives();
        Await.until("keepalives after the nonce went stale", WAIT, () -> sim.keepalives() >= before + 2);
        assertEquals(1, sim.plays(), "one session all along");
        assertEquals(0, recorder.disconnected.get());
        // past the end of the 4 s clip: numbering goes on across its loop
        Await.until("the clip looped", WAIT, () -> recorder.pictures.get() > 75);
        assertEquals(0, recorder.badTimestampSteps.get());
        assertEquals(0, recorder.sequenceGaps.get());
    }

    @Test
    void keepsAliveWithOptionsWhenGetParameterIsNotSupported() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.BASIC);
        sim.sessionTimeout(2);
        sim.getParameterSupported(false);
        startUpstream(CODE, null);
        awaitStreaming();
        int before = sim.options();
        // the simulator closes a session silent for 2 s: three periods prove OPTIONS kept it up
        Await.until("OPTIONS keepalives", WAIT, () -> sim.options() >= before + 3);
        assertEquals(1, sim.plays());
        assertEquals(0, recorder.disconnected.get());
    }

    @Test
    void reconnectsAfterThePrinterRestartsAndOnRequestAtOnce() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
        startUpstream(CODE, null);
        awaitStreaming();
        sim.stop();
        Await.until("backing off", WAIT, () -> status.state() == UpstreamState.BACKING_OFF);
        assertEquals(1, recorder.disconnected.get());
        sim.restart();
        int rtpBefore = recorder.rtp.get();
        Await.until("streaming again", Duration.ofSeconds(15),
                () -> status.state() == UpstreamState.STREAMING && recorder.rtp.get() > rtpBefore + 20);
        assertEquals(2, recorder.described.get());
        assertEquals(1, status.snapshot().reconnects());

        long t0 = System.nanoTime();
        upstream.reconnect();
        Await.until("third session", WAIT, () -> sim.plays() == 3);
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(900), "no backoff on reconnect()");
        assertEquals(0, recorder.orderErrors.get());
    }

    @Test
    void watchdogReconnectsWhenVideoStops() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
        startUpstream(CODE, null);
        awaitStreaming();
        sim.freeze(true);
        Await.until("the watchdog drops the silent session", Duration.ofSeconds(15), () -> recorder.disconnected.get() == 1);
        assertTrue(status.snapshot().lastError().contains("no video"), status.snapshot().lastError());
        sim.freeze(false);
        Await.until("streaming again", Duration.ofSeconds(10), () -> sim.plays() == 2 && status.state() == UpstreamState.STREAMING);
    }

    @Test
    void closeTearsDownTheSession() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
        startUpstream(CODE, null);
        awaitStreaming();
        upstream.close();
        upstream = null;
        Await.until("TEARDOWN", WAIT, () -> sim.teardowns() == 1);
        assertEquals(UpstreamState.STOPPED, status.state());
        assertEquals(1, recorder.disconnected.get());
        Await.until("viewer slot free", WAIT, () -> sim.viewers() == 0);
    }

    @Test
    void aRefusedConnectionIsReportedAsOne() throws Exception {
        upstream = RtspUpstream.create(context(group, status, FreePort.get(), CODE), group.next(), recorder); // nothing listens there
        upstream.start();
        Await.until("backing off", WAIT, () -> status.state() == UpstreamState.BACKING_OFF);
        assertEquals("cannot connect: connection refused", status.snapshot().lastError());
    }
}
