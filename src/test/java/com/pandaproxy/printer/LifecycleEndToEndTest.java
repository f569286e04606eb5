package com.pandaproxy.printer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.chamber.ChamberProxy;
import com.pandaproxy.rtsp.RtspProxy;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.Closer;
import com.pandaproxy.testutil.EventLoops;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle with the real proxies and simulated printers of both types, and a real chamber client. */
class LifecycleEndToEndTest {
    private static final String CODE = "87654321";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Printer.Settings FAST = new Printer.Settings(Duration.ofSeconds(2),
            Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMinutes(5), Duration.ofMillis(50));
    @RegisterExtension
    static final EventLoops LOOPS = new EventLoops(2);

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();
    private final List<CameraProxy> made = new CopyOnWriteArrayList<>();
    private final int proxyPort = FreePort.get();
    private final int rtspPort = FreePort.get();
    private ChamberSimulator sim;

    private ChamberSimulator simulator(String code) {
        sim = ChamberSimulator.start(0, code, new ChamberSimulator.Options(10, 320, 240, 4));
        closer.add(sim);
        return sim;
    }

    private RtspSimulator rtspSimulator(String code) {
        RtspSimulator rtsp = RtspSimulator.start(rtspPort, code);
        closer.add(rtsp);
        return rtsp;
    }

    /** A printer on loopback: chamber image at the chamber simulator's port, RTSPS at {@link #rtspPort}. */
    private Printer printer() throws Exception {
        return printer(FAST);
    }

    private Printer printer(Printer.Settings settings) throws Exception {
        ProxyContext ctx = Contexts.of(LOOPS.group(), dir, CODE, sim.port(), rtspPort);
        UpstreamTimings timings = UpstreamTimings.CHAMBER.withBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
        ChamberProxy.Settings chamber = new ChamberProxy.Settings("127.0.0.1", proxyPort, 8, ChamberProxy.LOGIN_LIMIT);
        Printer p = new Printer(ctx, Contexts.detection(null, dir), (type, connection) -> {
            CameraProxy proxy = type == CameraType.CHAMBER ? new ChamberProxy(ctx, chamber, timings, connection)
                    : new RtspProxy(ctx, new RtspProxy.Settings("127.0.0.1", 0, 8));
            made.add(proxy);
            return proxy;
        }, settings);
        closer.add(p);
        p.start();
        return p;
    }

    private ChamberViewer viewer(Duration wait) throws Exception {
        ChamberViewer v = ChamberViewer.connect("127.0.0.1", proxyPort, Bambu.USER, CODE, wait);
        closer.add(v);
        return v;
    }

    private static void awaitState(Printer p, UpstreamState state) {
        Await.until(state.id(), WAIT, () -> p.status().upstreamState() == state);
    }

    @Test
    void servesAChamberPrinterFoundAtStart() throws Exception {
        simulator(CODE);
        Printer p = printer();
        assertTrue(ChamberSimulator.frameNumber(viewer(WAIT).nextFrame(WAIT)) >= 0);
        assertEquals(CameraType.CHAMBER, p.status().cameraType());
        awaitState(p, UpstreamState.STREAMING);
        assertTrue(p.latestJpeg().isPresent());
        assertEquals("chamber", Files.readString(dir.resolve(CameraTypeStore.FILE)).strip());
        // the detection's connection became the upstream: the one-viewer printer saw one login
        assertEquals(1, sim.logins());
        assertEquals(1, sim.connections());
    }

    @Test
    void printerOffAtStartIsServedWhenItAppears() throws Exception {
        simulator(CODE).stop();
        Printer p = printer();
        awaitState(p, UpstreamState.BACKING_OFF);
        assertEquals(CameraType.UNKNOWN, p.status().cameraType());
        sim.restart();
        assertTrue(viewer(WAIT).nextFrame(WAIT).length > 0);
        assertEquals(CameraType.CHAMBER, p.status().cameraType());
    }

    @Test
    void rememberedTypeOpensItsPortAndAWaitingClientGetsFramesWhenThePrinterAppears() throws Exception {
        new CameraTypeStore(dir).save(CameraType.CHAMBER);
        simulator(CODE).stop();
        Printer p = printer();
        ChamberViewer v = viewer(Duration.ofSeconds(1)); // the port is open at once
        assertEquals(CameraType.CHAMBER, p.status().cameraType());
        Await.until("the client is logged in", WAIT, () -> p.status().clients() == 1);
        sim.restart();
        assertTrue(v.nextFrame(WAIT).length > 0);
        awaitState(p, UpstreamState.STREAMING);
    }

    @Test
    void wrongAccessCodeIsReportedAndRetried() throws Exception {
        simulator("other123");
        Printer p = printer();
        awaitState(p, UpstreamState.AUTH_REJECTED);
        assertTrue(p.status().lastError().startsWith("the printer rejected the access code"), p.status().lastError());
        Await.until("retries", WAIT, () -> sim.connections() >= 3);
        assertEquals(0, sim.logins());
    }

    @Test
    void reconnectMakesANewUpstreamWhileTheClientStays() throws Exception {
        simulator(CODE);
        Printer p = printer();
        ChamberViewer v = viewer(WAIT);
        v.nextFrame(WAIT);
        awaitState(p, UpstreamState.STREAMING);
        int logins = sim.logins(); // the detection probe's and the upstream's
        p.reconnect();
        Await.until("a new login", WAIT, () -> sim.logins() == logins + 1 && p.status().streaming());
        assertEquals(1, p.status().reconnects());
        long before = ChamberSimulator.frameNumber(v.nextFrame(WAIT));
        assertTrue(ChamberSimulator.frameNumber(v.nextFrame(WAIT)) > before);
    }

    @Test
    void detectsAndServesAnRtspPrinter() throws Exception {
        simulator(CODE).stop();
        rtspSimulator(CODE);
        Printer p = printer();
        awaitState(p, UpstreamState.STREAMING);
        assertEquals(CameraType.RTSP, p.status().cameraType());
        Await.until("frames counted", WAIT, () -> p.status().lastFrame() != null);
        assertTrue(made.get(made.size() - 1) instanceof RtspProxy);
        assertEquals("rtsp", Files.readString(dir.resolve(CameraTypeStore.FILE)).strip());
    }

    @Test
    void bothSimulatorsAnsweringServesChamber() throws Exception {
        simulator(CODE);
        RtspSimulator rtsp = rtspSimulator(CODE);
        Printer p = printer();
        viewer(WAIT).nextFrame(WAIT);
        assertEquals(CameraType.CHAMBER, p.status().cameraType());
        assertEquals(1, made.size());
        assertEquals(0, rtsp.plays());
    }

    @Test
    void rtspPrinterRefusingTheCodeIsReportedByItsProxy() throws Exception {
        simulator(CODE).stop();
        RtspSimulator rtsp = rtspSimulator("other123");
        Printer p = printer();
        awaitState(p, UpstreamState.AUTH_REJECTED);
        assertEquals(CameraType.RTSP, p.status().cameraType());
        assertTrue(p.status().lastError() != null && !p.status().lastError().contains(CODE));
        assertEquals(0, rtsp.plays());
    }

    @Test
    void aChamberPrinterReplacedByAnRtspPrinterIsFollowed() throws Exception {
        simulator(CODE);
        Printer p = printer();
        viewer(WAIT).nextFrame(WAIT);
        sim.stop();
        Await.until("not streaming", WAIT, () -> !p.status().streaming());
        RtspSimulator rtsp = rtspSimulator(CODE);
        p.redetect();
        Await.until("rtsp streaming", WAIT, () -> p.status().cameraType() == CameraType.RTSP && p.status().streaming());
        assertTrue(made.get(made.size() - 1) instanceof RtspProxy);
        assertTrue(rtsp.plays() >= 1);
        assertEquals("rtsp", Files.readString(dir.resolve(CameraTypeStore.FILE)).strip());
    }

    @Test
    void aLongFailureWhileTheOtherPortAnswersSwitchesWithoutACommand() throws Exception {
        simulator(CODE);
        Printer p = printer(new Printer.Settings(Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMillis(400),
                Duration.ofSeconds(1), Duration.ofMillis(50)));
        viewer(WAIT).nextFrame(WAIT);
        sim.stop();
        rtspSimulator(CODE);
        Await.until("rtsp streaming", WAIT, () -> p.status().cameraType() == CameraType.RTSP && p.status().streaming());
        assertEquals(2, made.size());
    }
}
