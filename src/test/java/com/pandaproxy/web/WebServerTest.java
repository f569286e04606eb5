package com.pandaproxy.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.tls.CertificateState;
import com.pandaproxy.tls.TrustStatus;
import java.awt.image.BufferedImage;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The web server with a simulated chamber-image printer behind the proxy, asked over plain sockets. */
class WebServerTest extends WebTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private RawHttp.Response get(WebFixture f, String path, String headers) throws Exception {
        RawHttp http = connect(f);
        http.get(path, headers);
        return http.response();
    }

    private RawHttp.Response get(WebFixture f, String path) throws Exception {
        return get(f, path, "Authorization: " + WebFixture.authorization() + "\r\n");
    }

    @Test
    void healthNeedsNoLoginAndNamesTheUpstreamState() throws Exception {
        WebFixture f = chamber(5);
        RawHttp.Response r = get(f, "/healthz", "");
        assertEquals(200, r.status());
        assertTrue(r.text().startsWith("serving; printer camera streaming"), r.text());
        f.printer.close();
        RawHttp.Response down = get(f, "/healthz", "");
        assertEquals(503, down.status());
        assertTrue(down.text().startsWith("not serving; printer camera stopped"), down.text());
        // --services mqtt: no camera served, the relay is what the proxy serves
        f.board.relay(new PrinterStatus.RelayStatus(UpstreamState.STREAMING, 0));
        RawHttp.Response relay = get(f, "/healthz", "");
        assertEquals(200, relay.status(), relay.text());
        assertTrue(relay.text().startsWith("serving; printer camera stopped") && relay.text().endsWith("; printer MQTT streaming\n"),
                relay.text());
    }

    @Test
    void everyOtherPathAsksForTheAccessCode() throws Exception {
        WebFixture f = chamber(5);
        for (String path : List.of("/", "/stream.mjpeg", "/snapshot.jpg", "/api/status", "/page.js", "/nothing")) {
            RawHttp.Response r = get(f, path, "");
            assertEquals(401, r.status(), path);
            assertTrue(r.header("www-authenticate").startsWith("Basic realm="), path);
        }
        // a wrong code: refused, and the connection closed
        RawHttp http = connect(f);
        http.get("/", "Authorization: " + WebFixture.authorization("bblp", "00000000") + "\r\n");
        assertEquals(401, http.response().status());
        assertTrue(http.closedByServer());
        assertEquals(401, get(f, "/", "Authorization: " + WebFixture.authorization("root", WebFixture.CODE) + "\r\n").status());
        assertEquals(401, get(f, "/", "Authorization: Basic !!!notbase64\r\n").status());
        // the right one: at once, even after failures
        long start = System.nanoTime();
        RawHttp.Response ok = get(f, "/");
        assertEquals(200, ok.status());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1000, "a correct login is answered at once");
        assertTrue(ok.text().contains("<base href=\"/\">"), ok.text());
        assertTrue(ok.header("content-security-policy").contains("default-src 'self'"));
    }

    /** The shared login throttle: repeated wrong codes are answered ever later; the right one still at once. */
    @Test
    void wrongCodesAreSlowedTheRightOneIsNot() throws Exception {
        WebFixture f = chamber(5);
        String wrong = "Authorization: " + WebFixture.authorization("bblp", "99999999") + "\r\n";
        for (int i = 0; i < 6; i++) {
            assertEquals(401, get(f, "/api/status", wrong).status());
        }
        long start = System.nanoTime();
        assertEquals(401, get(f, "/api/status", wrong).status());
        long slowed = (System.nanoTime() - start) / 1_000_000;
        assertTrue(slowed >= 900, "a wrong code after several is answered after the throttle's delay: " + slowed + " ms");
        start = System.nanoTime();
        assertEquals(200, get(f, "/api/status").status());
        long right = (System.nanoTime() - start) / 1_000_000;
        assertTrue(right < 900, "the right code is answered at once: " + right + " ms");
    }

    /** Requests from the ingress proxy's address with X-Ingress-Path pass; the header alone or the address alone do not. */
    @Test
    void homeAssistantIngressPassesWithItsPrefix() throws Exception {
        WebFixture f = chamber(5);
        String prefix = "/api/hassio_ingress/Xy9_abc-DEF";
        try (RawHttp ingress = RawHttp.connect(InetAddress.getByName("127.0.0.2"), f.web.port(), 0)) {
            ingress.get("/", "X-Ingress-Path: " + prefix + "\r\n");
            RawHttp.Response page = ingress.response();
            assertEquals(200, page.status());
            assertTrue(page.text().contains("<base href=\"" + prefix + "/\">"), page.text());
            ingress.get("/api/status", "X-Ingress-Path: " + prefix + "\r\n");
            assertEquals(200, ingress.response().status());
        }
        try (RawHttp ingress = RawHttp.connect(InetAddress.getByName("127.0.0.2"), f.web.port(), 0)) {
            ingress.get("/", "X-Ingress-Path: /\"><script>alert(1)</script>\r\n");
            assertEquals(400, ingress.response().status());
        }
        try (RawHttp ingress = RawHttp.connect(InetAddress.getByName("127.0.0.2"), f.web.port(), 0)) {
            ingress.get("/", "");
            assertEquals(401, ingress.response().status());
        }
        assertEquals(401, get(f, "/", "X-Ingress-Path: " + prefix + "\r\n").status(), "from another address");
    }

    @Test
    void statusHasTheMqttFactsAndTheClients() throws Exception {
        WebFixture f = chamber(5);
        ChamberViewer viewer = closer.add(ChamberViewer.connect(f.chamberPort, WebFixture.CODE));
        viewer.nextFrame(WAIT);
        Await.until("the chamber client listed", WAIT, () -> f.board.clients().size() == 1);
        JsonNode s = JSON.readTree(get(f, "/api/status").body());
        assertEquals("chamber", s.get("camera_type").asText());
        assertEquals("streaming", s.get("upstream_state").asText());
        assertTrue(s.get("printer_camera").asBoolean());
        assertEquals(1, s.get("clients").asInt());
        JsonNode client = s.get("client_list").get(0);
        assertEquals("chamber", client.get("protocol").asText());
        assertTrue(client.get("address").asText().startsWith("127.0.0.1:"), client.toString());
        assertNotNull(client.get("since").asText());
        assertTrue(s.get("last_frame_age_ms").asLong() < 5000, s.toString());
        for (String field : List.of("frame_rate", "bitrate", "reconnects", "last_error", "ports", "version")) {
            assertTrue(s.has(field), field);
        }
        assertEquals(f.web.port(), s.get("ports").get("http").asInt());
        assertTrue(s.get("printer_certificate").isNull(), "not checked yet: " + s);
        assertFalse(s.has("printer_mqtt") || s.has("mqtt_clients") || s.get("ports").has("mqtt"), "no MQTT relay: " + s);

        // the printer's certificate and the MQTT relay, as the MQTT states have them
        f.board.certificate(new TrustStatus(CertificateState.CHANGED, "70:AB", "01P00A123456789", "1F:CD", "IMPOSTOR"));
        f.board.relay(new PrinterStatus.RelayStatus(UpstreamState.BACKING_OFF, 2));
        s = JSON.readTree(get(f, "/api/status").body());
        assertEquals("changed", s.get("printer_certificate").asText());
        JsonNode certificate = s.get("printer_certificate_attributes");
        assertEquals(List.of("70:AB", "01P00A123456789", "1F:CD", "IMPOSTOR"), List.of(certificate.get("sha256").asText(),
                certificate.get("cn").asText(), certificate.get("new_sha256").asText(), certificate.get("new_cn").asText()));
        assertFalse(s.get("printer_mqtt").asBoolean());
        assertEquals("backing_off", s.get("printer_mqtt_state").asText());
        assertEquals(2, s.get("mqtt_clients").asInt());
    }

    @Test
    void snapshotIsTheLatestJpeg() throws Exception {
        WebFixture f = chamber(5);
        RawHttp.Response r = get(f, "/snapshot.jpg");
        assertEquals(200, r.status());
        assertEquals("image/jpeg", r.header("content-type"));
        assertTrue(ChamberSimulator.frameNumber(r.body()) >= 0, "a frame of the simulator");
        BufferedImage image = Pictures.read(r.body());
        assertEquals(320, image.getWidth());
    }

    /** A new viewer gets the latest picture at once, twice, then every picture; ?fps caps one viewer's rate. */
    @Test
    void mjpegStartsWithTheLatestPictureTwiceThenFollowsTheCamera() throws Exception {
        WebFixture f = chamber(10);
        RawHttp http = connect(f);
        long start = System.nanoTime();
        http.get("/stream.mjpeg", "Authorization: " + WebFixture.authorization() + "\r\n");
        RawHttp.Response head = http.head();
        assertEquals(200, head.status());
        assertEquals(MjpegViewer.CONTENT_TYPE, head.header("content-type"));
        byte[] first = http.part();
        byte[] again = http.part();
        assertTrue((System.nanoTime() - start) / 1_000_000 < 500, "the latest picture at once");
        assertArrayEquals(first, again);
        List<Long> numbers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            numbers.add(ChamberSimulator.frameNumber(http.part()));
        }
        for (int i = 1; i < numbers.size(); i++) {
            assertTrue(numbers.get(i) > numbers.get(i - 1), "pictures in order: " + numbers);
        }
        Await.until("the viewer listed", WAIT, () -> f.board.clients().stream().anyMatch(c -> c.protocol().equals("mjpeg")));

        RawHttp capped = connect(f);
        capped.get("/stream.mjpeg?fps=2", "Authorization: " + WebFixture.authorization() + "\r\n");
        capped.head();
        capped.part();
        capped.part();
        long from = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            capped.part();
        }
        double seconds = (System.nanoTime() - from) / 1e9;
        assertTrue(seconds > 1.2, "4 pictures at 2 fps take about 2 s, not " + seconds);
        assertEquals(400, get(f, "/stream.mjpeg?fps=abc").status());
    }

    /** A viewer that reads nothing skips pictures; the one that reads keeps getting all of them. */
    @Test
    void aSlowViewerDoesNotSlowTheOthers() throws Exception {
        WebFixture f = chamber(15);
        RawHttp stuck = closer.add(RawHttp.connect(null, f.web.port(), 4096));
        stuck.get("/stream.mjpeg", "Authorization: " + WebFixture.authorization() + "\r\n");
        RawHttp reader = connect(f);
        reader.get("/stream.mjpeg", "Authorization: " + WebFixture.authorization() + "\r\n");
        reader.head();
        reader.part();
        long previous = ChamberSimulator.frameNumber(reader.part());
        int gaps = 0;
        for (int i = 0; i < 60; i++) { // 4 s at 15 fps: the stuck viewer's backlog is long full by then
            long n = ChamberSimulator.frameNumber(reader.part());
            gaps += n == previous + 1 ? 0 : 1;
            previous = n;
        }
        assertTrue(gaps <= 2, "the reading viewer lost pictures: " + gaps);
    }

    @Test
    void reconnectButton() throws Exception {
        WebFixture f = chamber(5);
        RawHttp http = connect(f);
        http.send("POST /api/reconnect HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + WebFixture.authorization()
                + "\r\nContent-Length: 0\r\n\r\n");
        assertEquals(202, http.response().status());
        Await.until("reconnected", WAIT, () -> f.printer.status().reconnects() >= 1 && f.printer.status().streaming());
        assertEquals(405, get(f, "/api/reconnect").status());
        RawHttp other = connect(f);
        other.send("POST /api/reconnect HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\nAuthorization: "
                + WebFixture.authorization() + "\r\nContent-Length: 0\r\n\r\n");
        assertEquals(403, other.response().status());
    }

    @Test
    void badInputGetsAShortAnswerOrAClose() throws Exception {
        WebFixture f = chamber(5);
        String auth = "Authorization: " + WebFixture.authorization() + "\r\n";
        assertEquals(404, get(f, "/nothing/here").status());
        for (String path : List.of("/../etc/passwd", "/%2e%2e/etc/passwd", "/api%2fstatus", "/api%2Fstatus", "//api/status", "/a\\b")) {
            assertEquals(400, get(f, path, auth).status(), path);
        }
        // a query Netty cannot decode (found by WebFuzzTest): answered, not a dropped connection
        for (String query : List.of("/stream.mjpeg?fps=%zz", "/stream.mjpeg?t=1&p%sf14=", "/stream.mjpeg?fps=31")) {
            assertEquals(400, get(f, query, auth).status(), query);
        }
        RawHttp longLine = connect(f);
        longLine.send("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(414, longLine.response().status());
        assertTrue(longLine.closedByServer());
        RawHttp bigHeaders = connect(f);
        bigHeaders.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n");
        assertEquals(431, bigHeaders.response().status());
        assertTrue(bigHeaders.closedByServer());
        RawHttp garbage = connect(f);
        garbage.send("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003 not http at all\r\n\r\n");
        assertTrue(garbage.closedByServer());
        RawHttp body = connect(f);
        body.send("POST /api/reconnect HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 100000\r\n\r\n" + "x".repeat(2000));
        assertEquals(413, body.response().status());
        RawHttp post = connect(f);
        post.send("POST /snapshot.jpg HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 0\r\n\r\n");
        assertEquals(405, post.response().status());
        // and the server carries on
        assertEquals(200, get(f, "/api/status").status());
    }

    /** Requests sent back to back on one connection are answered in order, a snapshot's answer taking a while included. */
    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        WebFixture f = chamber(5);
        String auth = "Authorization: " + WebFixture.authorization() + "\r\n";
        RawHttp http = connect(f);
        http.send("GET /snapshot.jpg HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"
                + "GET /api/status HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"
                + "GET /snapshot.jpg HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("image/jpeg", http.response().header("content-type"));
        assertEquals("application/json", http.response().header("content-type"));
        assertEquals("image/jpeg", http.response().header("content-type"));
        assertTrue(http.response().text().startsWith("serving"));
    }

    @Test
    void slowAndIdleConnectionsAreClosed() throws Exception {
        WebFixture f = closer.add(WebFixture.chamber(LOOPS.group(), dir, 5, Duration.ofMillis(700), 64));
        RawHttp slow = connect(f);
        slow.send("GET / HTTP/1.1\r\nHo");
        long start = System.nanoTime();
        assertTrue(slow.closedByServer());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 500 && millis < 5000, "closed after the request timeout: " + millis + " ms");
        RawHttp idle = connect(f);
        idle.get("/healthz", "");
        idle.response();
        assertTrue(idle.closedByServer(), "an idle keep-alive connection is closed too");
    }

    @Test
    void viewersAreCapped() throws Exception {
        WebFixture f = streaming(WebFixture.chamber(LOOPS.group(), dir, 5, WebSettings.REQUEST_TIMEOUT, 1));
        RawHttp first = connect(f);
        first.get("/stream.mjpeg", "Authorization: " + WebFixture.authorization() + "\r\n");
        assertEquals(200, first.head().status());
        RawHttp.Response second = get(f, "/stream.mjpeg");
        assertEquals(503, second.status());
        first.close();
        Await.until("the place freed", WAIT, () -> f.web.viewers() == 0);
        assertFalse(f.board.clients().stream().anyMatch(c -> c.protocol().equals("mjpeg")));
    }

    /**
     * One host's idle connections (a misbehaving tool, a flood) cannot take every place: connections
     * that have not shown the code are bounded per address by the login gate, so a right client from
     * another address is served at once. Before, all connections counted against one cap, and
     * {@code maxViewers + SPARE_CONNECTIONS} idle ones locked everyone out.
     */
    @Test
    void oneHostsIdleConnectionsDoNotLockOutOthers() throws Exception {
        WebFixture f = chamber(5);
        InetAddress other = InetAddress.getByName("127.0.0.2");
        List<RawHttp> idle = new ArrayList<>();
        for (int i = 0; i < 64 + WebServer.SPARE_CONNECTIONS + 8; i++) { // the fixture serves 64 viewers
            idle.add(closer.add(RawHttp.connect(other, f.web.port(), 0)));
        }
        long start = System.nanoTime();
        RawHttp.Response ok = get(f, "/api/status");
        assertEquals(200, ok.status(), ok.text());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2000, "served at once: " + millis + " ms");
    }
}
