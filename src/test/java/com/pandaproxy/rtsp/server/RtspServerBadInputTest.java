package com.pandaproxy.rtsp.server;

import static com.pandaproxy.rtsp.server.RtspTestClient.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.testutil.EventLoops;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.RtspFramer;
import com.pandaproxy.rtsp.RtspProxy;
import com.pandaproxy.rtsp.RtspUpstream;
import com.pandaproxy.rtsp.auth.BasicCredentials;
import com.pandaproxy.rtsp.auth.ClientAuthenticator;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server's answers to requests it cannot serve, as the issue lists them: 400 malformed, 404
 * other paths, 454 unknown session, 461 unsupported transport, 405/501 unknown methods, bounded
 * request size, header count and pipelining (closed), a replayed Digest answer refused — while a
 * client that plays meanwhile carries on.
 */
class RtspServerBadInputTest {
    static final String CODE = "24681357";
    @RegisterExtension
    static final EventLoops PROXY_LOOPS = new EventLoops(2);
    @RegisterExtension
    static final EventLoops CLIENT_LOOPS = new EventLoops(1);

    RtspSimulator sim;
    RtspProxy proxy;
    final StatusBoard status = new StatusBoard(CameraType.RTSP);
    final AuthThrottle throttle = new AuthThrottle();
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

    void start(int printerPort, Duration describeWait) throws Exception {
        PrinterAddress printer = new PrinterAddress("127.0.0.1", 0, printerPort, new Secret(CODE));
        ProxyContext ctx = new ProxyContext(printer, new Tls(ServerCertificate.ephemeral(), SslProvider.JDK), PROXY_LOOPS.group(), status, throttle);
        proxy = new RtspProxy(ctx, new RtspProxy.Settings("127.0.0.1", 0, 10), RtspUpstream::create, Duration.ofSeconds(60),
                describeWait);
        proxy.start();
    }

    void startWithPrinter() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.BASIC);
        start(sim.port(), Duration.ofSeconds(8));
    }

    RtspTestClient client() throws Exception {
        RtspTestClient c = RtspTestClient.connect(CLIENT_LOOPS.group(), proxy.port(), false, CODE, false);
        open.add(c);
        return c;
    }

    String url(String path) {
        return "rtsp://127.0.0.1:" + proxy.port() + path;
    }

    /** A client playing over TCP, to show that nobody else's bad input touches it. */
    RtspTestClient viewer() throws Exception {
        RtspTestClient v = client();
        RtspProxyEndToEndTest.play(v, url("/stream"), false);
        RtspProxyEndToEndTest.rtp(v, 10);
        return v;
    }

    static void stillPlaying(RtspTestClient v) {
        int before = RtspProxyEndToEndTest.rtp(v, 1).size();
        RtspProxyEndToEndTest.rtp(v, before + 20);
        assertTrue(v.channel.isActive());
    }

    @Test
    void unknownSessionsGet454AndTheConnectionCarriesOn() throws Exception {
        startWithPrinter();
        RtspTestClient v = viewer();
        RtspTestClient c = client();
        expect(200, c.request("DESCRIBE", url("/stream"), Map.of()));
        expect(454, c.request("PLAY", url("/stream"), Map.of()));
        for (String method : List.of("PLAY", "PAUSE", "TEARDOWN", "GET_PARAMETER", "SET_PARAMETER")) {
            expect(454, c.request(method, url("/stream"), Map.of("Session", "0123456789ABCDEF")));
        }
        expect(454, c.request("SETUP", url("/stream/trackID=0"),
                Map.of("Transport", "RTP/AVP/TCP;interleaved=0-1", "Session", "0123456789ABCDEF")));
        // another connection's session is unknown here too: a session belongs to its connection
        expect(454, c.request("PLAY", url("/stream"), Map.of("Session", v.session)));
        expect(454, c.request("PLAY", url("/stream"), Map.of("Session", ";;;")));
        expect(200, c.request("OPTIONS", url("/stream"), Map.of()));
        stillPlaying(v);
    }

    @Test
    void unsupportedTransportsGet461() throws Exception {
        startWithPrinter();
        RtspTestClient c = client();
        expect(200, c.request("DESCRIBE", url("/stream"), Map.of()));
        String track = url("/stream/trackID=0");
        for (String transport : List.of(
                "RTP/AVP;multicast;port=5000-5001",
                "RTP/AVP;multicast",
                "RTP/SAVP;unicast;client_port=5000-5001",
                "RTP/AVPF/TCP;interleaved=0-1",
                "RAW/RAW/UDP;unicast;client_port=5000-5001",
                "RTP/AVP;unicast",
                "RTP/AVP;unicast;client_port=0-0")) {
            expect(461, c.request("SETUP", track, Map.of("Transport", transport)));
        }
        // the first transport the server can serve is taken from a list
        FullHttpResponse ok = expect(200, c.request("SETUP", track,
                Map.of("Transport", "RTP/AVP;multicast,RTP/SAVP/TCP;interleaved=0-1,RTP/AVP/TCP;unicast;interleaved=4-5")));
        assertTrue(ok.headers().get(RtspHeaderNames.TRANSPORT).contains("interleaved=4-5"), ok.headers().get(RtspHeaderNames.TRANSPORT));
        // one session does not mix TCP and UDP
        expect(461, c.request("SETUP", track, Map.of("Transport", "RTP/AVP;unicast;client_port=5000-5001")));
    }

    @Test
    void malformedRequestsGet400OthersPathsGet404UnknownMethods405Or501() throws Exception {
        startWithPrinter();
        RtspTestClient v = viewer();
        RtspTestClient c = client();
        expect(400, c.request("SETUP", url("/stream/trackID=0"), Map.of()));
        expect(404, c.request("DESCRIBE", url("/stream/trackID=0"), Map.of()));
        expect(404, c.request("DESCRIBE", url("/streaming/live/2"), Map.of()));
        expect(404, c.request("DESCRIBE", url("/stream/../etc/passwd"), Map.of()));
        expect(404, c.request("SETUP", url("/other/trackID=0"), Map.of("Transport", "RTP/AVP/TCP;interleaved=0-1")));
        expect(404, c.request("SETUP", url("/stream/trackID=x"), Map.of("Transport", "RTP/AVP/TCP;interleaved=0-1")));
        expect(405, c.request("ANNOUNCE", url("/stream"), Map.of()));
        FullHttpResponse redirect = expect(405, c.request("REDIRECT", url("/stream"), Map.of()));
        assertTrue(redirect.headers().get("Allow").contains("DESCRIBE"));
        expect(501, c.request("PLAY_NOW", url("/stream"), Map.of()));
        expect(200, c.request("OPTIONS", url("/stream"), Map.of()));

        // by hand: things the test client cannot write
        assertAnswer(400, "DESCRIBE not-a-url RTSP/1.0\r\nCSeq: 1\r\n\r\n");
        // the host part is not judged (clients write all sorts of names there); the path names nothing
        assertAnswer(404, "DESCRIBE rtsp://[::1 RTSP/1.0\r\nCSeq: 1\r\n\r\n");
        assertAnswer(501, "GET / HTTP/1.1\r\nHost: x\r\nCSeq: 1\r\n\r\n");
        assertAnswer(400, "DESCRIBE " + url("/stream") + "\r\nCSeq: 1\r\n\r\n");
        String basic = "Authorization: " + new BasicCredentials("bblp", CODE).format() + "\r\n";
        assertAnswer(461, "SETUP " + url("/stream/trackID=0") + " RTSP/1.0\r\nCSeq: 1\r\n" + basic + "Transport: ;;;===\r\n\r\n");
        assertAnswer(400, "SETUP " + url("/stream/trackID=0") + " RTSP/1.0\r\nCSeq: 1\r\n" + basic
                + "Transport: RTP/AVP/TCP;interleaved=0-999\r\n\r\n");
        stillPlaying(v);
    }

    @Test
    void oversizedRequestsAreClosed() throws Exception {
        startWithPrinter();
        RtspTestClient v = viewer();
        StringBuilder many = new StringBuilder("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n");
        for (int i = 0; i < RtspFramer.DEFAULT_MAX_HEADERS + 1; i++) {
            many.append("X-").append(i).append(": y\r\n");
        }
        assertClosedWithoutAnswer(many.append("\r\n").toString());
        assertClosedWithoutAnswer("SET_PARAMETER " + url("/stream") + " RTSP/1.0\r\nCSeq: 1\r\nContent-Length: "
                + (RtspFramer.DEFAULT_MAX_BODY + 1) + "\r\n\r\n");
        assertClosedWithoutAnswer("SET_PARAMETER " + url("/stream") + " RTSP/1.0\r\nCSeq: 1\r\nContent-Length: -5\r\n\r\n");
        assertClosedWithoutAnswer("OPTIONS /" + "a".repeat(RtspFramer.DEFAULT_MAX_HEADER_BYTES) + " RTSP/1.0\r\nCSeq: 1\r\n\r\n");
        // just under the bounds is served
        StringBuilder enough = new StringBuilder("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n");
        for (int i = 0; i < RtspFramer.DEFAULT_MAX_HEADERS - 1; i++) {
            enough.append("X-").append(i).append(": y\r\n");
        }
        assertAnswer(200, enough.append("\r\n").toString());
        stillPlaying(v);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndBounded() throws Exception {
        // the printer cannot be reached: DESCRIBE waits, and what comes behind it queues up
        start(FreePort.get(), Duration.ofSeconds(1));
        String describe = "DESCRIBE " + url("/stream") + " RTSP/1.0\r\nCSeq: 1\r\nAuthorization: "
                + new BasicCredentials("bblp", CODE).format() + "\r\n\r\n";
        StringBuilder few = new StringBuilder(describe);
        for (int i = 2; i <= 4; i++) {
            few.append("OPTIONS * RTSP/1.0\r\nCSeq: ").append(i).append("\r\n\r\n");
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(few.toString().getBytes(StandardCharsets.US_ASCII));
            assertTrue(head(s.getInputStream()).matches("(?s)RTSP/1.0 503 .*CSeq: 1\r\n.*"));
            for (int i = 2; i <= 4; i++) {
                assertTrue(head(s.getInputStream()).matches("(?s)RTSP/1.0 200 .*CSeq: " + i + "\r\n.*"));
            }
        }
        StringBuilder burst = new StringBuilder(describe);
        for (int i = 2; i < 40; i++) {
            burst.append("OPTIONS * RTSP/1.0\r\nCSeq: ").append(i).append("\r\n\r\n");
        }
        assertClosedWithoutAnswer(burst.toString());
    }

    @Test
    void aMalformedRequestThatWaitedForThePrinterStillGets400() throws Exception {
        int printerPort = FreePort.get();
        start(printerPort, Duration.ofSeconds(10));
        String basic = "Authorization: " + new BasicCredentials("bblp", CODE).format() + "\r\n";
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(10_000);
            // no printer yet: this SETUP waits for its description, and only then is its Transport read
            s.getOutputStream().write(("SETUP " + url("/stream/trackID=0") + " RTSP/1.0\r\nCSeq: 1\r\n" + basic
                    + "Transport: RTP/AVP/TCP;interleaved=0-999\r\n\r\nOPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            sim = RtspSimulator.start(printerPort, CODE, RtspSimulator.Auth.BASIC);
            proxy.reconnect();
            String answer = head(s.getInputStream());
            assertTrue(answer.matches("(?s)RTSP/1.0 400 .*CSeq: 1\r\n.*"), answer);
            // and the connection goes on with the next request
            assertTrue(head(s.getInputStream()).matches("(?s)RTSP/1.0 200 .*CSeq: 2\r\n.*"));
        }
    }

    /** Issue 15 item 1: someone else's wrong codes from the same address do not lock out the right ones. */
    @Test
    void aRightCodeIsAnsweredAtOnceAfterWrongOnesFromTheSameAddress() throws Exception {
        startWithPrinter();
        for (int i = 0; i < 10; i++) {
            throttle.failed(InetAddress.getLoopbackAddress()); // the next wrong answer is held 30 s
        }
        for (boolean basicOnly : List.of(true, false)) {
            RtspTestClient right = RtspTestClient.connect(CLIENT_LOOPS.group(), proxy.port(), false, CODE, basicOnly);
            open.add(right);
            long start = System.nanoTime();
            expect(200, right.request("DESCRIBE", url("/stream"), Map.of()));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1000, (basicOnly ? "Basic" : "Digest") + " answered after " + millis + " ms");
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(500);
            s.getOutputStream().write(("DESCRIBE " + url("/stream") + " RTSP/1.0\r\nCSeq: 1\r\nAuthorization: "
                    + new BasicCredentials("bblp", "00000000").format() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThrows(java.net.SocketTimeoutException.class, () -> s.getInputStream().read(), "a wrong code's 401 is held back");
        }
    }

    @Test
    void aMalformedRequestAfterFailuresFromItsAddressStillGets400() throws Exception {
        startWithPrinter();
        // five free failures, then the next attempt is held back a second
        for (int i = 0; i < 5; i++) {
            throttle.failed(InetAddress.getLoopbackAddress());
        }
        String basic = "Authorization: " + new BasicCredentials("bblp", CODE).format() + "\r\n";
        assertAnswer(400, "SETUP " + url("/stream/trackID=0") + " RTSP/1.0\r\nCSeq: 1\r\n" + basic
                + "Transport: RTP/AVP/TCP;interleaved=0-999\r\n\r\n");
    }

    @Test
    void aReplayedDigestAnswerIsRefusedAsStale() throws Exception {
        startWithPrinter();
        RtspTestClient c = client();
        FullHttpResponse challenge = expect(401, c.send("DESCRIBE", url("/stream"), Map.of()));
        ClientAuthenticator auth = new ClientAuthenticator("bblp", CODE);
        assertTrue(auth.challenged(challenge.headers().getAll(RtspHeaderNames.WWW_AUTHENTICATE)));
        String authorization = auth.authorization("DESCRIBE", url("/stream"));
        assertTrue(authorization.startsWith("Digest ") && authorization.contains("nc=00000001"), authorization);
        String request = "DESCRIBE " + url("/stream") + " RTSP/1.0\r\nCSeq: 2\r\nAuthorization: " + authorization + "\r\n\r\n";
        assertAnswer(200, request);
        // the same bytes on another connection, as an eavesdropper would send them
        String replay = exchange(request);
        assertTrue(replay.startsWith("RTSP/1.0 401"), replay);
        assertTrue(replay.contains("stale=TRUE"), replay);
    }

    private void assertAnswer(int status, String request) throws IOException {
        String answer = exchange(request);
        assertTrue(answer.startsWith("RTSP/1.0 " + status + " "), request + " → " + answer);
    }

    /** Sends the bytes on a new connection and returns the first answer's head. */
    private String exchange(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return head(s.getInputStream());
        }
    }

    /** The next answer's status line and headers (our answers here have no body). */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private void assertClosedWithoutAnswer(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, s.getInputStream().read(), "closed without an answer: " + request.substring(0, 40));
        } catch (SocketException reset) {
            // closed while we were still writing: also fine
        }
    }
}
