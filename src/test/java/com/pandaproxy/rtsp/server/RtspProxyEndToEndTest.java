package com.pandaproxy.rtsp.server;

import static com.pandaproxy.rtsp.server.RtspTestClient.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.rtsp.RtpInfo;
import com.pandaproxy.rtsp.RtspProxy;
import com.pandaproxy.rtsp.RtspUpstream;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.Transport;
import com.pandaproxy.rtsp.rtp.H264Packets;
import com.pandaproxy.rtsp.rtp.Rtp;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.EventLoops;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole relay: simulated RTSPS printer → RtspUpstream → relay → RTSP server → test clients, on loopback. */
class RtspProxyEndToEndTest {
    static final String CODE = "13572468";
    static final Duration WAIT = Duration.ofSeconds(15);
    @RegisterExtension
    static final EventLoops PROXY_LOOPS = new EventLoops(2);
    @RegisterExtension
    static final EventLoops CLIENT_LOOPS = new EventLoops(1);

    RtspSimulator sim;
    RtspProxy proxy;
    StatusBoard status = new StatusBoard(CameraType.RTSP);
    final List<RtspTestClient> open = new ArrayList<>();

    @AfterEach
    void tearDown() {
        open.forEach(RtspTestClient::close);
        if (proxy != null) {
            proxy.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    void start(int printerPort, int maxClients, Duration sessionTimeout, Duration describeWait) throws Exception {
        PrinterAddress printer = new PrinterAddress("127.0.0.1", 0, printerPort, new Secret(CODE));
        ProxyContext ctx = new ProxyContext(printer, new Tls(ServerCertificate.ephemeral(), SslProvider.JDK), PROXY_LOOPS.group(), status, new AuthThrottle());
        proxy = new RtspProxy(ctx, new RtspProxy.Settings("127.0.0.1", 0, maxClients), RtspUpstream::create, sessionTimeout,
                describeWait);
        proxy.start();
    }

    void startWithPrinter(RtspSimulator.Auth auth) throws Exception {
        sim = RtspSimulator.start(0, CODE, auth);
        start(sim.port(), 10, Duration.ofSeconds(60), Duration.ofSeconds(8));
    }

    RtspTestClient client(boolean tls, String password, boolean basicOnly) throws Exception {
        RtspTestClient c = RtspTestClient.connect(CLIENT_LOOPS.group(), proxy.port(), tls, password, basicOnly);
        open.add(c);
        return c;
    }

    String url(String scheme, String path) {
        return scheme + "://127.0.0.1:" + proxy.port() + path;
    }

    static List<RtspTestClient.Packet> rtp(RtspTestClient c, int count) {
        Await.until(count + " RTP packets", WAIT, () -> c.packets.stream().filter(p -> p.channel() == 0 || p.channel() == -1).count() >= count);
        return c.packets.stream().filter(p -> p.channel() == 0 || p.channel() == -1).toList();
    }

    /** Starts at a keyframe, one SSRC (the one SETUP announced), no sequence gaps. */
    static void assertGoodStream(List<RtspTestClient.Packet> packets, long ssrc) {
        ByteBuf first = Unpooled.wrappedBuffer(packets.get(0).data());
        assertTrue(H264Packets.startsKeyframe(Rtp.payload(first)), "starts at a keyframe");
        for (int i = 0; i < packets.size(); i++) {
            ByteBuf p = Unpooled.wrappedBuffer(packets.get(i).data());
            assertTrue(Rtp.isValid(p));
            assertEquals(ssrc, Rtp.ssrc(p), "SSRC of packet " + i);
            if (i > 0) {
                int prev = Rtp.sequence(Unpooled.wrappedBuffer(packets.get(i - 1).data()));
                assertEquals((prev + 1) & 0xFFFF, Rtp.sequence(p), "sequence gap at packet " + i);
            }
        }
    }

    static long ssrcOf(FullHttpResponse setup) {
        return Long.parseLong(Transport.parse(setup.headers().get(RtspHeaderNames.TRANSPORT)).param("ssrc"), 16);
    }

    /** DESCRIBE, SETUP, PLAY by hand, returning the SSRC announced in SETUP. */
    static long play(RtspTestClient c, String url, boolean udp) throws Exception {
        FullHttpResponse describe = expect(200, c.request("DESCRIBE", url, Map.of()));
        Sdp sdp = Sdp.parse(RtspTestClient.body(describe));
        assertEquals("trackID=0", sdp.media().get(0).control().orElseThrow());
        assertTrue(sdp.media().get(0).isH264());
        assertFalse(RtspTestClient.body(describe).contains(CODE));
        String base = describe.headers().get(RtspHeaderNames.CONTENT_BASE);
        assertEquals(url + "/", base);
        String transport;
        if (udp) {
            c.udpRtp = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
            c.udpRtcp = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
            transport = "RTP/AVP;unicast;client_port=" + c.udpRtp.getLocalPort() + "-" + c.udpRtcp.getLocalPort();
            c.startUdpReader(c.udpRtp, -1);
            c.startUdpReader(c.udpRtcp, -2);
        } else {
            transport = "RTP/AVP/TCP;unicast;interleaved=0-1";
        }
        FullHttpResponse setup = expect(200, c.request("SETUP", base + "trackID=0", Map.of("Transport", transport)));
        assertTrue(setup.headers().get(RtspHeaderNames.SESSION).matches("[0-9A-F]{16};timeout=\\d+"));
        if (udp) {
            assertTrue(Transport.parse(setup.headers().get(RtspHeaderNames.TRANSPORT)).serverPort() != null);
        }
        FullHttpResponse play = expect(200, c.request("PLAY", url, Map.of()));
        List<RtpInfo> info = RtpInfo.parse(play.headers().get(RtspHeaderNames.RTP_INFO));
        assertEquals(base + "trackID=0", info.get(0).url());
        return ssrcOf(setup);
    }

    @Test
    void severalClientsOverTcpAndUdpPlainAndTlsBasicAndDigest() throws Exception {
        startWithPrinter(RtspSimulator.Auth.DIGEST);
        RtspTestClient plainTcp = client(false, CODE, false);
        RtspTestClient tlsTcpBasic = client(true, CODE, true);
        RtspTestClient plainUdp = client(false, CODE, false);
        RtspTestClient tlsUdpRtspScheme = client(true, CODE, false);
        long s1 = play(plainTcp, url("rtsp", "/stream"), false);
        long s2 = play(tlsTcpBasic, url("rtsps", "/streaming/live/1"), false);
        long s3 = play(plainUdp, url("rtsp", "/streaming/live/1"), true);
        // GStreamer's rtspsrc says rtsp:// even over TLS
        long s4 = play(tlsUdpRtspScheme, url("rtsp", "/stream"), true);
        assertEquals(s1, s2);
        assertEquals(s1, s3);
        assertEquals(s1, s4);
        for (RtspTestClient c : List.of(plainTcp, tlsTcpBasic, plainUdp, tlsUdpRtspScheme)) {
            assertGoodStream(rtp(c, 60), s1);
        }
        assertEquals(4, status.snapshot().clients());
        // sender reports arrive on the RTCP channel
        Await.until("RTCP sender report", WAIT, () -> plainTcp.packets.stream().anyMatch(p -> p.channel() == 1)
                && plainUdp.packets.stream().anyMatch(p -> p.channel() == -2));
        expect(200, plainTcp.request("TEARDOWN", url("rtsp", "/stream"), Map.of()));
        Await.until("client count", WAIT, () -> status.snapshot().clients() == 3);
    }

    @Test
    void printerRestartIsAPauseWithContinuousNumbering() throws Exception {
        startWithPrinter(RtspSimulator.Auth.BASIC);
        RtspTestClient c = client(false, CODE, false);
        long ssrc = play(c, url("rtsp", "/stream"), false);
        int before = rtp(c, 40).size();
        sim.stop();
        Await.until("upstream lost", WAIT, () -> status.state() != UpstreamState.STREAMING);
        sim.restart();
        proxy.reconnect();
        rtp(c, before + 60);
        assertTrue(c.channel.isActive());
        assertGoodStream(rtp(c, before + 60), ssrc);
        assertTrue(status.snapshot().reconnects() >= 1);
    }

    @Test
    void lateJoinerStartsAtAKeyframeAtOnce() throws Exception {
        startWithPrinter(RtspSimulator.Auth.DIGEST);
        RtspTestClient first = client(false, CODE, false);
        play(first, url("rtsp", "/stream"), false);
        rtp(first, 50);
        RtspTestClient late = client(false, CODE, false);
        long ssrc = play(late, url("rtsp", "/stream"), false);
        long played = System.nanoTime();
        List<RtspTestClient.Packet> got = rtp(late, 20);
        assertGoodStream(got, ssrc);
        long millis = (got.get(0).nanos() - played) / 1_000_000;
        assertTrue(millis < 500, "first keyframe packet after " + millis + " ms");
    }

    @Test
    void wrongPasswordMissingCredentialsAndBadRequests() throws Exception {
        startWithPrinter(RtspSimulator.Auth.DIGEST);
        RtspTestClient anonymous = client(false, null, false);
        FullHttpResponse r = expect(401, anonymous.request("DESCRIBE", url("rtsp", "/stream"), Map.of()));
        List<String> challenges = r.headers().getAll(RtspHeaderNames.WWW_AUTHENTICATE);
        assertTrue(challenges.get(0).startsWith("Digest ") && challenges.get(0).contains("qop=\"auth\""));
        assertTrue(challenges.get(1).startsWith("Basic "));
        expect(200, anonymous.request("OPTIONS", url("rtsp", "/stream"), Map.of()));

        RtspTestClient wrong = client(true, "00000000", false);
        expect(401, wrong.request("DESCRIBE", url("rtsps", "/stream"), Map.of()));

        RtspTestClient c = client(false, CODE, false);
        expect(404, c.request("DESCRIBE", url("rtsp", "/other"), Map.of()));
        expect(200, c.request("DESCRIBE", url("rtsp", "/stream"), Map.of()));
        expect(461, c.request("SETUP", url("rtsp", "/stream/trackID=0"), Map.of("Transport", "RTP/AVP;multicast;client_port=5000-5001")));
        expect(404, c.request("SETUP", url("rtsp", "/stream/trackID=7"), Map.of("Transport", "RTP/AVP/TCP;interleaved=0-1")));
        expect(454, c.request("PLAY", url("rtsp", "/stream"), Map.of("Session", "DEADBEEF")));
        expect(501, c.request("FOO", url("rtsp", "/stream"), Map.of()));
        expect(405, c.request("RECORD", url("rtsp", "/stream"), Map.of()));
        expect(200, c.request("GET_PARAMETER", url("rtsp", "/stream"), Map.of()));
        assertEquals(0, status.snapshot().clients());
    }

    @Test
    void garbageClosesThatPeerAndEveryoneElseCarriesOn() throws Exception {
        startWithPrinter(RtspSimulator.Auth.DIGEST);
        RtspTestClient c = client(false, CODE, false);
        play(c, url("rtsp", "/stream"), false);
        int before = rtp(c, 10).size();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(new byte[] {0, 1, 2, 3, (byte) 0xFF, 'x', 'y', 'z'});
            assertEquals(-1, s.getInputStream().read());
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("HELLO WORLD\r\nCSeq: 1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("RTSP/1.0 400"), answer);
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("OPTIONS * RTSP/1.0\r\nX: " + "a".repeat(20_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read());
        } catch (java.net.SocketException reset) {
            // closed while we were still writing: also fine
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("OPTIONS * RTSP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] b = new byte[64];
            String answer = new String(b, 0, s.getInputStream().read(b), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("RTSP/1.0 400"), "no CSeq: " + answer);
        }
        rtp(c, before + 30);
        assertTrue(c.channel.isActive());
    }

    /** Issue 15 item 3: header names as live555, MediaMTX and GStreamer spell them, byte for byte. */
    @Test
    void headerNamesGoOutInTheirCanonicalSpelling() throws Exception {
        startWithPrinter(RtspSimulator.Auth.DIGEST);
        String auth = "Authorization: " + new com.pandaproxy.rtsp.auth.BasicCredentials("bblp", CODE).format() + "\r\n";
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(10_000);
            String options = exchange(s, "OPTIONS " + url("rtsp", "/stream") + " RTSP/1.0\r\nCSeq: 1\r\n\r\n");
            assertHeaders(options, "CSeq: 1", "Public: ", "Server: ");
            String challenge = exchange(s, "DESCRIBE " + url("rtsp", "/stream") + " RTSP/1.0\r\nCSeq: 2\r\n\r\n");
            assertHeaders(challenge, "RTSP/1.0 401", "WWW-Authenticate: Digest ", "WWW-Authenticate: Basic ");
            String describe = exchange(s, "DESCRIBE " + url("rtsp", "/stream") + " RTSP/1.0\r\nCSeq: 3\r\n" + auth + "\r\n");
            assertHeaders(describe, "RTSP/1.0 200", "Content-Type: application/sdp", "Content-Base: ", "Content-Length: ");
            int length = Integer.parseInt(describe.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
            s.getInputStream().readNBytes(length);
            String setup = exchange(s, "SETUP " + url("rtsp", "/stream/trackID=0") + " RTSP/1.0\r\nCSeq: 4\r\n" + auth
                    + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n");
            assertHeaders(setup, "RTSP/1.0 200", "Transport: RTP/AVP/TCP", "Session: ");
            String session = setup.replaceAll("(?s).*Session: ([0-9A-Za-z]+).*", "$1");
            String play = exchange(s, "PLAY " + url("rtsp", "/stream") + " RTSP/1.0\r\nCSeq: 5\r\nSession: " + session + "\r\n\r\n");
            assertHeaders(play, "RTSP/1.0 200", "RTP-Info: url=", "Range: npt=", "Session: " + session);
        }
    }

    /** Sends {@code request} and returns the status line and headers of the answer. */
    private static String exchange(Socket s, String request) throws java.io.IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static void assertHeaders(String head, String... expected) {
        for (String e : expected) {
            assertTrue(head.startsWith(e) || head.contains("\r\n" + e), "no '" + e + "' in:\n" + head);
        }
    }

    @Test
    void unreachablePrinterGets503() throws Exception {
        start(FreePort.get(), 10, Duration.ofSeconds(60), Duration.ofMillis(800));
        RtspTestClient c = client(false, CODE, false);
        FullHttpResponse r = expect(503, c.request("DESCRIBE", url("rtsp", "/stream"), Map.of()));
        assertEquals("5", r.headers().get("Retry-After"));
        expect(200, c.request("OPTIONS", url("rtsp", "/stream"), Map.of()));
    }

    @Test
    void silentSessionsTimeOutKeepalivesKeepThemAndClientsAreBounded() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.BASIC);
        start(sim.port(), 2, Duration.ofMillis(1500), Duration.ofSeconds(8));
        RtspTestClient silent = client(false, CODE, false);
        RtspTestClient alive = client(false, CODE, false);
        play(silent, url("rtsp", "/stream"), true);
        play(alive, url("rtsp", "/stream"), false);
        RtspTestClient third = client(false, CODE, false);
        expect(200, third.request("DESCRIBE", url("rtsp", "/stream"), Map.of()));
        expect(503, third.request("SETUP", url("rtsp", "/stream/trackID=0"), Map.of("Transport", "RTP/AVP/TCP;interleaved=0-1")));
        long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < deadline && silent.channel.isActive()) {
            expect(200, alive.request("GET_PARAMETER", url("rtsp", "/stream"), Map.of()));
            Thread.sleep(300);
        }
        assertFalse(silent.channel.isActive(), "silent UDP client was closed");
        assertTrue(alive.channel.isActive());
        Await.until("one client left", WAIT, () -> status.snapshot().clients() == 1);
        // the third connection went silent too (no session needed for that); a new one gets the free slot
        Await.until("silent third connection closed", WAIT, () -> !third.channel.isActive());
        RtspTestClient fourth = client(false, CODE, false);
        expect(200, fourth.request("DESCRIBE", url("rtsp", "/stream"), Map.of()));
        expect(200, fourth.request("SETUP", url("rtsp", "/stream/trackID=0"), Map.of("Transport", "RTP/AVP/TCP;interleaved=0-1")));
    }
}
