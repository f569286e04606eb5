package com.pandaproxy.printer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.TinyPrinterPort.Kind;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.Closer;
import com.pandaproxy.testutil.EventLoops;
import com.pandaproxy.testutil.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle with fake proxies, and hand-made TLS printer ports for detection. */
class PrinterTest {
    private static final String CODE = "12345678";
    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final EventLoops LOOPS = new EventLoops(1);

    @TempDir
    Path dir;

    private final List<FakeProxy> made = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger failingStarts = new java.util.concurrent.atomic.AtomicInteger();
    @RegisterExtension
    final Closer closer = new Closer();
    private int chamberPort = FreePort.get();
    private int rtspPort = FreePort.get();

    /** No fixed camera type: detect. */
    private static final CameraType AUTO = null;

    private static Printer.Settings fast(Duration minBackoff, Duration switchAfter) {
        return new Printer.Settings(Duration.ofSeconds(1), minBackoff, minBackoff.multipliedBy(4), switchAfter, Duration.ofMillis(50));
    }

    private Printer printer(CameraType fixed, String code, Printer.Settings settings) throws Exception {
        ProxyContext ctx = Contexts.of(LOOPS.group(), dir, code, chamberPort, rtspPort);
        Printer p = new Printer(ctx, Contexts.detection(fixed, dir), (type, connection) -> {
            if (connection != null) {
                connection.close(); // a stand-in proxy has no use for the probe's connection
            }
            if (failingStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("port 6000 is in use");
            }
            FakeProxy f = new FakeProxy(type, ctx.status());
            made.add(f);
            return f;
        }, settings);
        closer.add(p);
        p.start();
        return p;
    }

    private Printer printer() throws Exception {
        return printer(AUTO, CODE, fast(Duration.ofMillis(100), Duration.ofMinutes(5)));
    }

    private TinyPrinterPort port(Kind kind, String code) throws Exception {
        TinyPrinterPort p = TinyPrinterPort.start(kind == Kind.RTSP ? rtspPort : chamberPort, kind, code);
        closer.add(p);
        return p;
    }

    private FakeProxy last() {
        return made.get(made.size() - 1);
    }

    private void awaitProxy(CameraType type) {
        Await.until(type + " proxy", WAIT, () -> !made.isEmpty() && last().type == type && last().started);
    }

    private Optional<String> remembered() throws Exception {
        Path f = dir.resolve(CameraTypeStore.FILE);
        return Files.exists(f) ? Optional.of(Files.readString(f).strip()) : Optional.empty();
    }

    @Test
    void detectsAChamberPrinterAndRemembersIt() throws Exception {
        port(Kind.CHAMBER, CODE);
        Printer p = printer();
        awaitProxy(CameraType.CHAMBER);
        assertEquals(CameraType.CHAMBER, p.status().cameraType());
        assertEquals(UpstreamState.CONNECTING, p.status().upstreamState());
        assertEquals(Optional.of("chamber"), remembered());
        last().stream();
        assertTrue(p.status().streaming());
    }

    @Test
    void detectsAnRtspPrinter() throws Exception {
        port(Kind.RTSP, CODE);
        Printer p = printer();
        awaitProxy(CameraType.RTSP);
        assertEquals(CameraType.RTSP, p.status().cameraType());
        assertEquals(Optional.of("rtsp"), remembered());
    }

    @Test
    void bothPortsAnsweringOpensChamber() throws Exception {
        port(Kind.CHAMBER, CODE);
        port(Kind.RTSP, CODE);
        printer();
        awaitProxy(CameraType.CHAMBER);
        assertEquals(1, made.size());
    }

    @Test
    void printerAppearingLaterIsServedWithoutARestart() throws Exception {
        Printer p = printer();
        Await.until("backing off", WAIT, () -> p.status().upstreamState() == UpstreamState.BACKING_OFF);
        assertEquals(CameraType.UNKNOWN, p.status().cameraType());
        assertTrue(p.status().lastError().startsWith("printer 127.0.0.1 unreachable"), p.status().lastError());
        assertTrue(made.isEmpty());
        port(Kind.RTSP, CODE);
        awaitProxy(CameraType.RTSP);
        assertEquals(null, p.status().lastError());
    }

    @Test
    void laterRoundsKeepTheFailureStateUntilSomethingChanges() throws Exception {
        TinyPrinterPort notTls = port(Kind.PLAIN, CODE);
        Printer p = printer();
        Await.until("backing off", WAIT, () -> p.status().upstreamState() == UpstreamState.BACKING_OFF);
        assertTrue(p.status().lastError().startsWith("no camera protocol recognised"), p.status().lastError());
        List<PrinterStatus> seen = new CopyOnWriteArrayList<>();
        p.addListener(seen::add);
        int probes = notTls.connections();
        Await.until("more rounds", WAIT, () -> notTls.connections() >= probes + 3);
        assertFalse(seen.stream().anyMatch(s -> s.upstreamState() != UpstreamState.BACKING_OFF),
                "no state change while nothing changes: " + seen);
        p.redetect(); // asked for: shown
        Await.until("detecting shown", WAIT, () -> seen.stream().anyMatch(s -> s.upstreamState() == UpstreamState.DETECTING));
    }

    @Test
    void wrongAccessCodeIsReportedAndRetried() throws Exception {
        TinyPrinterPort chamber = port(Kind.CHAMBER, "another1");
        Printer p = printer();
        Await.until("auth rejected", WAIT, () -> p.status().upstreamState() == UpstreamState.AUTH_REJECTED);
        assertTrue(p.status().lastError().startsWith("the printer rejected the access code"), p.status().lastError());
        assertFalse(p.status().lastError().contains(CODE));
        Await.until("retries", WAIT, () -> chamber.connections() >= 3);
        assertTrue(made.isEmpty());
    }

    @Test
    void rememberedTypeOpensAtOnceAndAReplacedPrinterIsFollowed() throws Exception {
        new CameraTypeStore(dir).save(CameraType.RTSP);
        Printer p = printer();
        // open synchronously in start(), with the printer away
        assertEquals(1, made.size());
        assertEquals(CameraType.RTSP, last().type);
        assertEquals(CameraType.RTSP, p.status().cameraType());
        // the printer comes back as a chamber-image printer: the remembered type was never confirmed
        port(Kind.CHAMBER, CODE);
        awaitProxy(CameraType.CHAMBER);
        assertTrue(made.get(0).closed);
        assertEquals(Optional.of("chamber"), remembered());
    }

    @Test
    void reconnectRestartsTheUpstream() throws Exception {
        port(Kind.CHAMBER, CODE);
        Printer p = printer();
        awaitProxy(CameraType.CHAMBER);
        last().stream();
        p.reconnect();
        Await.until("reconnected", WAIT, () -> p.status().reconnects() == 1);
        assertEquals(1, last().reconnects.get());
        assertTrue(p.status().streaming());
    }

    @Test
    void reconnectWithoutAProxyProbesAtOnce() throws Exception {
        Printer p = printer(AUTO, CODE, fast(Duration.ofSeconds(20), Duration.ofMinutes(5)));
        Await.until("backing off", WAIT, () -> p.status().upstreamState() == UpstreamState.BACKING_OFF);
        port(Kind.CHAMBER, CODE);
        long t0 = System.nanoTime();
        p.reconnect();
        awaitProxy(CameraType.CHAMBER);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "probed without waiting for the backoff");
    }

    @Test
    void redetectFollowsAChamberPrinterReplacedByAnRtspPrinter() throws Exception {
        TinyPrinterPort chamber = port(Kind.CHAMBER, CODE);
        Printer p = printer();
        awaitProxy(CameraType.CHAMBER);
        FakeProxy first = last();
        first.stream();
        chamber.close();
        first.lose();
        port(Kind.RTSP, CODE);
        p.redetect();
        awaitProxy(CameraType.RTSP);
        assertTrue(first.closed);
        assertEquals(CameraType.RTSP, p.status().cameraType());
        assertEquals(Optional.of("rtsp"), remembered());
    }

    @Test
    void redetectKeepsAStreamingProxyOfTheSameType() throws Exception {
        TinyPrinterPort chamber = port(Kind.CHAMBER, CODE);
        Printer p = printer();
        awaitProxy(CameraType.CHAMBER);
        last().stream();
        int probes = chamber.connections();
        List<UpstreamState> seen = new CopyOnWriteArrayList<>();
        p.addListener(s -> seen.add(s.upstreamState()));
        p.redetect();
        p.reconnect(); // runs after redetect has started its probe
        Await.until("reconnected", WAIT, () -> last().reconnects.get() == 1);
        assertEquals(1, made.size());
        assertEquals(probes, chamber.connections(), "a streaming chamber port is not probed again");
        assertFalse(seen.contains(UpstreamState.DETECTING));
    }

    @Test
    void longFailureWhileTheOtherPortAnswersSwitchesType() throws Exception {
        TinyPrinterPort chamber = port(Kind.CHAMBER, CODE);
        Printer p = printer(AUTO, CODE, fast(Duration.ofMillis(100), Duration.ofMillis(300)));
        awaitProxy(CameraType.CHAMBER);
        FakeProxy first = last();
        first.stream();
        chamber.close();
        first.lose();
        port(Kind.RTSP, CODE);
        awaitProxy(CameraType.RTSP);
        assertTrue(first.closed);
        assertEquals(CameraType.RTSP, p.status().cameraType());
    }

    @Test
    void fixedCameraTypeSkipsDetection() throws Exception {
        TinyPrinterPort chamber = port(Kind.CHAMBER, CODE);
        List<UpstreamState> seen = new CopyOnWriteArrayList<>();
        Printer p = printer(CameraType.RTSP, CODE, fast(Duration.ofMillis(100), Duration.ofMillis(100)));
        p.addListener(s -> seen.add(s.upstreamState()));
        assertEquals(1, made.size());
        assertEquals(CameraType.RTSP, p.status().cameraType());
        p.redetect();
        p.reconnect();
        Await.until("reconnected", WAIT, () -> last().reconnects.get() == 1);
        assertEquals(1, made.size());
        assertEquals(0, chamber.connections());
        assertFalse(seen.contains(UpstreamState.DETECTING));
        assertEquals(Optional.empty(), remembered());
    }

    @Test
    void aProxyThatCannotOpenIsRetried() throws Exception {
        failingStarts.set(2);
        port(Kind.CHAMBER, CODE);
        Printer p = printer();
        Await.until("error", WAIT, () -> p.status().lastError() != null);
        assertEquals("cannot open the chamber proxy: port 6000 is in use", p.status().lastError());
        awaitProxy(CameraType.CHAMBER);
        assertEquals(1, made.size());
        assertEquals(CameraType.CHAMBER, p.status().cameraType());
    }

    @Test
    void closeClosesTheProxy() throws Exception {
        port(Kind.CHAMBER, CODE);
        Printer p = printer();
        awaitProxy(CameraType.CHAMBER);
        long t0 = System.nanoTime();
        p.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
        assertTrue(last().closed);
        assertEquals(UpstreamState.STOPPED, p.status().upstreamState());
        p.reconnect(); // ignored after close
        p.redetect();
    }
}
