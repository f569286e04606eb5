package com.pandaproxy.chamber;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.LoginGate;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.printer.UpstreamTimings;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** End to end: the simulated printer, the proxy and TLS clients on free loopback ports. */
class ChamberProxyTest {
    private static final String CODE = "31415926";
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Short login limit and backoff so the tests need not wait for the real values. */
    private static final Duration FAST_LOGIN = Duration.ofMillis(1500);
    private static final UpstreamTimings FAST = UpstreamTimings.CHAMBER.withBackoff(Duration.ofMillis(100), Duration.ofMillis(400));

    @TempDir
    Path dataDir;

    private ChamberSimulator sim;
    private EventLoopGroup group;
    private StatusBoard status;
    private ChamberProxy proxy;
    private AuthThrottle throttle;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        // camera-sized JPEGs (about 100 KB) at 20 frames/s, drawn once and sent in turn
        sim = ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(20, 1280, 720, 4));
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        proxy = startProxy(CODE, 8, FAST_LOGIN, FAST);
    }

    private ChamberProxy startProxy(String code, int maxClients, Duration login, UpstreamTimings timings) throws Exception {
        return startProxy(code, maxClients, login, timings, Tls.defaultProvider(), sim.port());
    }

    private ChamberProxy startProxy(String code, int maxClients, Duration login, UpstreamTimings timings, SslProvider provider,
            int printerPort) throws Exception {
        PrinterAddress printer = new PrinterAddress("127.0.0.1", printerPort, 0, new Secret(code));
        status = new StatusBoard(CameraType.CHAMBER);
        Tls tls = new Tls(ServerCertificate.loadOrCreate(dataDir, "127.0.0.1"), provider);
        throttle = new AuthThrottle();
        ChamberProxy p = new ChamberProxy(new ProxyContext(printer, tls, group, status, throttle),
                new ChamberProxy.Settings("127.0.0.1", 0, maxClients, login), timings, null);
        p.start();
        return p;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        proxy.close();
        sim.close();
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }

    private ChamberViewer client() throws IOException {
        ChamberViewer c = ChamberViewer.connect(proxy.port(), CODE);
        closeables.add(c);
        return c;
    }

    private static Map<Long, byte[]> byNumber(List<byte[]> frames) {
        Map<Long, byte[]> map = new HashMap<>();
        for (byte[] f : frames) {
            map.put(ChamberSimulator.frameNumber(f), f);
        }
        return map;
    }

    @Test
    void threeClientsReceiveTheSameFramesEachHeaderInItsOwnRecord() throws Exception {
        ChamberViewer a = client();
        ChamberViewer b = client();
        ChamberViewer c = client();
        Map<Long, byte[]> fa = byNumber(a.take(12, WAIT));
        Map<Long, byte[]> fb = byNumber(b.take(12, WAIT));
        Map<Long, byte[]> fc = byNumber(c.take(12, WAIT));
        assertEquals(12, fa.size());
        int common = 0;
        for (Map.Entry<Long, byte[]> e : fa.entrySet()) {
            if (fb.containsKey(e.getKey()) && fc.containsKey(e.getKey())) {
                assertArrayEquals(e.getValue(), fb.get(e.getKey()));
                assertArrayEquals(e.getValue(), fc.get(e.getKey()));
                common++;
            }
        }
        assertTrue(common >= 8, "frames seen by all three: " + common);
        for (ChamberViewer s : List.of(a, b, c)) {
            assertNull(s.violation());
        }
        assertEquals(3, status.snapshot().clients());
        assertEquals(1, sim.logins(), "one upstream connection for all clients");
        byte[] latest = proxy.latestJpeg().orElseThrow();
        assertEquals(0xD8, latest[1] & 0xff);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void eachTlsEngineSendsTheHeaderInARecordOfItsOwn(SslProvider provider) throws Exception {
        assertTrue(provider == SslProvider.JDK || OpenSsl.isAvailable(), "netty-tcnative is on the class path");
        proxy.close();
        proxy = startProxy(CODE, 8, FAST_LOGIN, FAST, provider, sim.port());
        ChamberViewer a = client();
        assertEquals(20, a.take(20, WAIT).size());
        assertNull(a.violation());
    }

    @Test
    void aJoiningClientGetsTheLastFrameAtOnce() throws Exception {
        Await.until("streaming", WAIT, () -> status.state() == UpstreamState.STREAMING);
        long start = System.nanoTime();
        ChamberViewer late = client();
        assertNotNull(late.next(WAIT));
        // frames come every 50 ms; the cached one arrives well before the next live one could matter
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1000));
    }

    @Test
    void wrongCodeOrUserGetsNothingAndIsClosed() throws Exception {
        for (byte[] login : List.of(AuthPacket.encode("bblp", "27182818"), AuthPacket.encode("admin", CODE))) {
            try (SSLSocket s = ChamberViewer.tls(proxy.port(), 0)) {
                s.getOutputStream().write(login);
                assertEquals(-1, readAll(s.getInputStream()));
            }
        }
        assertEquals(0, status.snapshot().clients());
    }

    /** Reads until the end of the stream; returns -1 if nothing at all came, else the count. */
    private static int readAll(InputStream in) throws IOException {
        int total = 0;
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                total += n;
            }
        } catch (java.net.SocketException | javax.net.ssl.SSLException e) {
            // closed under us: the same as an end of stream
        }
        return total == 0 ? -1 : total;
    }

    @Test
    void clientsStayConnectedWhileThePrinterGoesAwayAndComesBack() throws Exception {
        ChamberViewer a = client();
        assertEquals(3, a.take(3, WAIT).size());
        sim.stop();
        Await.until("upstream backing off", WAIT, () -> status.state() == UpstreamState.BACKING_OFF);
        a.frames.clear();
        // a client may still join while the printer is away: it waits
        ChamberViewer waiting = client();
        Await.until("both logged in", WAIT, () -> status.snapshot().clients() == 2);
        sim.restart();
        Await.until("streaming again", WAIT, () -> status.state() == UpstreamState.STREAMING);
        assertEquals(3, a.take(3, WAIT).size(), "the same connection receives frames again");
        assertEquals(3, waiting.take(3, WAIT).size());
        assertNull(a.violation());
        assertTrue(status.snapshot().reconnects() >= 1);
    }

    @Test
    void reconnectOnRequestKeepsTheClients() throws Exception {
        ChamberViewer a = client();
        assertEquals(2, a.take(2, WAIT).size());
        int logins = sim.logins();
        proxy.reconnect();
        Await.until("a new upstream login", WAIT, () -> sim.logins() > logins);
        a.frames.clear();
        assertEquals(3, a.take(3, WAIT).size());
        assertNull(a.violation());
    }

    @Test
    void aClientThatStopsReadingDelaysNobody() throws Exception {
        SSLSocket stalled = ChamberViewer.tls(proxy.port(), 4096);
        closeables.add(stalled);
        stalled.getOutputStream().write(AuthPacket.encode("bblp", CODE));
        ChamberViewer fast = client();
        // 20 frames/s of ~100 KB: the stalled client's socket buffers and backlog fill within seconds
        long sentBefore = sim.framesSent();
        long start = System.nanoTime();
        List<byte[]> got = fast.take(80, Duration.ofSeconds(8));
        double seconds = (System.nanoTime() - start) / 1e9;
        long sent = sim.framesSent() - sentBefore;
        assertEquals(80, got.size(), "fast client kept receiving");
        assertTrue(sent >= 0.8 * 20 * seconds, "the printer was never held up: " + sent + " frames in " + seconds + " s");
        for (byte[] f : got.subList(40, 80)) {
            long number = ChamberSimulator.frameNumber(f);
            long late = fast.receivedNanos.get(number) - sim.sentNanos(number);
            assertTrue(late < TimeUnit.MILLISECONDS.toNanos(1000), "frame delivered late by " + late / 1_000_000 + " ms");
        }
        assertNull(fast.violation());
    }

    @Test
    void badInputIsClosedAndTheProxyCarriesOn() throws Exception {
        byte[] random = new byte[80];
        new Random(7).nextBytes(random);
        // 80 random bytes after TLS
        try (SSLSocket s = ChamberViewer.tls(proxy.port(), 0)) {
            s.getOutputStream().write(random);
            assertEquals(-1, readAll(s.getInputStream()));
        }
        // half a login, then silence: closed at the login time limit
        try (SSLSocket s = ChamberViewer.tls(proxy.port(), 0)) {
            s.getOutputStream().write(AuthPacket.encode("bblp", CODE), 0, 40);
            long start = System.nanoTime();
            assertEquals(-1, readAll(s.getInputStream()));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
        // plain TCP without TLS: the login in clear, random bytes, an HTTP request
        for (byte[] plain : List.of(AuthPacket.encode("bblp", CODE), random,
                "GET / HTTP/1.1\r\nHost: printer\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(plain);
                readAll(s.getInputStream()); // returns once the proxy closes; at most a TLS alert comes back
            }
        }
        // TCP connected, then nothing at all: closed at the time limit
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
            s.setSoTimeout(10_000);
            assertEquals(-1, readAll(s.getInputStream()));
        }
        Await.until("all bad peers gone", WAIT, () -> proxy.connections() == 0);
        ChamberViewer normal = client();
        assertEquals(3, normal.take(3, WAIT).size());
        assertNull(normal.violation());
    }

    @Test
    void repeatedFailuresFromOneAddressAreSlowedDown() throws Exception {
        for (int i = 0; i < 6; i++) {
            try (SSLSocket s = ChamberViewer.tls(proxy.port(), 0)) {
                s.getOutputStream().write(AuthPacket.encode("bblp", "00000000"));
                readAll(s.getInputStream());
            }
        }
        try (SSLSocket s = ChamberViewer.tls(proxy.port(), 0)) {
            s.getOutputStream().write(AuthPacket.encode("bblp", "00000000"));
            long start = System.nanoTime();
            assertEquals(-1, readAll(s.getInputStream()));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "the answer was held back");
        }
    }

    /** Issue 15 item 1: one misconfigured tool must not lock out the right clients on its host. */
    @Test
    void aRightCodeIsServedAtOnceAfterWrongOnesFromTheSameAddress() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int i = 0; i < 10; i++) {
            throttle.failed(loopback); // ten wrong codes already: the next refusal is held 30 s
        }
        SSLSocket wrong = ChamberViewer.tls(proxy.port(), 0);
        closeables.add(wrong);
        wrong.getOutputStream().write(AuthPacket.encode("bblp", "00000000"));
        long start = System.nanoTime();
        ChamberViewer right = client();
        assertNotNull(right.next(WAIT), "the right code is served although its address guessed wrong");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "at once");
        wrong.setSoTimeout(200);
        assertThrows(java.net.SocketTimeoutException.class, () -> wrong.getInputStream().read(), "the wrong code's refusal is held");
    }

    /** Issue 15 item 2: after a restart every client of a host comes back at once. */
    @Test
    void aReconnectStormFromOneAddressIsServedWithinFiveSeconds() throws Exception {
        proxy.close();
        sim.close();
        sim = ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(5, 320, 180, 4));
        proxy = startProxy(CODE, 128, ChamberProxy.LOGIN_LIMIT, UpstreamTimings.CHAMBER);
        int clients = 100;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            List<java.util.concurrent.Future<ChamberViewer>> joins = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                long at = start + TimeUnit.MILLISECONDS.toNanos(10L * i); // 100 within one second
                joins.add(pool.submit(() -> {
                    Thread.sleep(Math.max(0, (at - System.nanoTime()) / 1_000_000));
                    ChamberViewer v = ChamberViewer.connect(proxy.port(), CODE);
                    v.nextFrame(Duration.ofSeconds(5));
                    return v;
                }));
            }
            List<String> failed = new ArrayList<>();
            for (java.util.concurrent.Future<ChamberViewer> join : joins) {
                try {
                    closeables.add(join.get(10, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    failed.add(e.getCause().toString());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(failed.isEmpty(), failed.size() + " of " + clients + " not served, e.g. " + (failed.isEmpty() ? "" : failed.get(0)));
            assertTrue(seconds < 5, "all served after " + seconds + " s");
            assertEquals(clients, status.snapshot().clients());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void atMostMaxClientsTheNextIsClosedAtOnce() throws Exception {
        proxy.close();
        proxy = startProxy(CODE, 2, FAST_LOGIN, FAST);
        ChamberViewer a = client();
        ChamberViewer b = client();
        Await.until("two clients", WAIT, () -> status.snapshot().clients() == 2);
        try (Socket third = new Socket()) {
            third.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
            third.setSoTimeout(5000);
            assertEquals(-1, third.getInputStream().read());
        }
        a.close();
        Await.until("a slot free", WAIT, () -> proxy.connections() == 1);
        ChamberViewer c = client();
        assertEquals(2, c.take(2, WAIT).size());
        assertEquals(2, b.take(2, WAIT).size());
    }

    @Test
    void idleConnectionsDoNotTakeClientSlots() throws Exception {
        proxy.close();
        proxy = startProxy(CODE, 2, ChamberProxy.LOGIN_LIMIT, UpstreamTimings.CHAMBER);
        for (int i = 0; i < 4; i++) {
            idleConnection(InetAddress.getLoopbackAddress());
        }
        Await.until("four logins pending", WAIT, () -> proxy.connections() == 4);
        ChamberViewer a = client();
        ChamberViewer b = client();
        assertEquals(2, a.take(2, WAIT).size(), "a client logs in past idle connections that outnumber max-clients");
        assertEquals(2, b.take(2, WAIT).size());
        assertEquals(2, status.snapshot().clients());
    }

    @Test
    void loginsInProgressAreBoundedPerAddressAndTheNextWaitsItsTurn() throws Exception {
        proxy.close();
        proxy = startProxy(CODE, 64, ChamberProxy.LOGIN_LIMIT, UpstreamTimings.CHAMBER);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < LoginGate.MAX_PENDING_PER_ADDRESS + 20; i++) {
            idle.add(idleConnection(loopback)); // an idle flood: the address's login slots, then 20 waiting
        }
        Await.until("the flood held", WAIT, () -> proxy.connections() == LoginGate.MAX_PENDING_PER_ADDRESS + 20);
        // another address gets in at once (all of 127.0.0.0/8 is loopback)
        ChamberViewer other = ChamberViewer.connect(InetAddress.getByName("127.0.0.2"), proxy.port(), CODE);
        closeables.add(other);
        assertEquals(2, other.take(2, WAIT).size());
        // a client behind the flood from the same address is not closed: it gets in when the flood goes
        java.util.concurrent.CompletableFuture<ChamberViewer> behind = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return ChamberViewer.connect(loopback, proxy.port(), CODE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Await.until("the client waiting", WAIT, () -> proxy.connections() == LoginGate.MAX_PENDING_PER_ADDRESS + 22);
        for (Socket s : idle) {
            s.close();
        }
        ChamberViewer late = behind.get(10, TimeUnit.SECONDS);
        closeables.add(late);
        assertEquals(2, late.take(2, WAIT).size());
    }

    /** A TCP connection from {@code from} to the proxy that never starts TLS. */
    private Socket idleConnection(InetAddress from) throws IOException {
        Socket s = new Socket();
        closeables.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    void theCertificateSurvivesARestart() throws Exception {
        Certificate first;
        try (SSLSocket s = ChamberViewer.tls(proxy.port(), 0)) {
            first = s.getSession().getPeerCertificates()[0];
        }
        proxy.close();
        proxy = startProxy(CODE, 8, FAST_LOGIN, FAST);
        try (SSLSocket s = ChamberViewer.tls(proxy.port(), 0)) {
            assertEquals(first, s.getSession().getPeerCertificates()[0]);
        }
    }

    @Test
    void aRefusedCodeUpstreamIsReportedAndClientsWait() throws Exception {
        proxy.close();
        proxy = startProxy("99999999", 8, FAST_LOGIN, FAST);
        Await.until("auth rejected", WAIT, () -> status.state() == UpstreamState.AUTH_REJECTED);
        assertTrue(status.snapshot().lastError().contains("access code"));
        assertTrue(!status.snapshot().lastError().contains("99999999"));
        ChamberViewer waiting = ChamberViewer.connect(proxy.port(), "99999999");
        closeables.add(waiting);
        Await.until("client waits logged in", WAIT, () -> status.snapshot().clients() == 1);
        assertNull(waiting.next(Duration.ofMillis(300)));
        assertTrue(!waiting.ended());
    }

    @Test
    void aBrokenFrameIsDroppedAndCountedAndNonsenseMeansReconnect() throws Exception {
        ChamberViewer a = client();
        assertEquals(2, a.take(2, WAIT).size());
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0};
        byte[] notJpeg = new byte[FrameHeader.LENGTH + png.length];
        System.arraycopy(FrameHeader.encode(png.length), 0, notJpeg, 0, FrameHeader.LENGTH);
        System.arraycopy(png, 0, notJpeg, FrameHeader.LENGTH, png.length);
        assertTrue(sim.inject(notJpeg));
        Await.until("the bad frame counted", WAIT, () -> proxy.badFrames() == 1);
        Await.until("the count on the status board", WAIT, () -> status.snapshot().badFrames() == 1);
        assertEquals(1, sim.logins(), "one bad frame is dropped, not a reason to reconnect");
        a.frames.clear();
        assertEquals(3, a.take(3, WAIT).size());

        // a size of 0 cannot be resynchronised: the proxy drops the connection and makes a new one
        assertTrue(sim.inject(new byte[FrameHeader.LENGTH]));
        Await.until("a new upstream login", WAIT, () -> sim.logins() == 2);
        a.frames.clear();
        assertEquals(3, a.take(3, WAIT).size(), "the client saw a pause, not a disconnect");
        assertNull(a.violation());
        assertEquals(1, status.snapshot().badFrames(), "the count survives the reconnect");
    }

    @Test
    void aSilentPrinterIsDroppedByTheWatchdog() throws Exception {
        proxy.close();
        // a TCP server that accepts and never answers TLS: the watchdog must give up on it
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            proxy = startProxy(CODE, 8, FAST_LOGIN, FAST.withWatchdog(Duration.ofSeconds(2)), Tls.defaultProvider(),
                    silent.getLocalPort());
            Await.until("backing off after silence", WAIT, () -> status.state() == UpstreamState.BACKING_OFF);
            assertNotNull(status.snapshot().lastError());
        }
    }

    /** Issue 15: Netty closed the channel before telling of the refused connect, which was reported as a close. */
    @Test
    void aRefusedConnectionIsReportedAsOne() throws Exception {
        proxy.close();
        proxy = startProxy(CODE, 8, FAST_LOGIN, FAST, Tls.defaultProvider(), FreePort.get()); // nothing listens there
        Await.until("backing off", WAIT, () -> status.state() == UpstreamState.BACKING_OFF);
        assertEquals("cannot connect: connection refused", status.snapshot().lastError());
    }
}
