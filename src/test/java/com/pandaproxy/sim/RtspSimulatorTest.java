package com.pandaproxy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.testutil.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulated printer's habits, seen by a plain TLS socket speaking RTSP by hand. */
class RtspSimulatorTest {
    private static final String CODE = "13572468";
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(("bblp:" + CODE).getBytes(StandardCharsets.US_ASCII));

    private RtspSimulator sim;
    private String url;

    @BeforeEach
    void start() {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.BASIC);
        url = "rtsps://127.0.0.1:" + sim.port() + Bambu.STREAM_PATH;
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void requestUriSayingRtspIsRedirectedToRtsps() throws Exception {
        try (Socket s = tls()) {
            String r = exchange(s, "DESCRIBE rtsp://127.0.0.1:" + sim.port() + Bambu.STREAM_PATH + " RTSP/1.0\r\nCSeq: 1\r\n\r\n");
            assertTrue(r.startsWith("RTSP/1.0 301"), r);
            assertTrue(r.toLowerCase().contains("\r\nlocation: " + url + "\r\n"), r);
        }
        sim.redirectPlainUris(false); // as GStreamer's rtspsrc needs it
        try (Socket s = tls()) {
            String r = exchange(s, "DESCRIBE rtsp://127.0.0.1:" + sim.port() + Bambu.STREAM_PATH + " RTSP/1.0\r\nCSeq: 1\r\n\r\n");
            assertTrue(r.startsWith("RTSP/1.0 401"), r);
        }
    }

    @Test
    void asksForTheAccessCodeAndServesTheSdp() throws Exception {
        try (Socket s = tls()) {
            String r = exchange(s, "DESCRIBE " + url + " RTSP/1.0\r\nCSeq: 1\r\n\r\n");
            assertTrue(r.startsWith("RTSP/1.0 401") && r.toLowerCase().contains("www-authenticate: basic realm="), r);
            r = exchange(s, "DESCRIBE " + url + " RTSP/1.0\r\nCSeq: 2\r\nAuthorization: Basic YmJscDp3cm9uZw==\r\n\r\n");
            assertTrue(r.startsWith("RTSP/1.0 401"), r);
            r = exchange(s, "DESCRIBE " + url + " RTSP/1.0\r\nCSeq: 3\r\nAuthorization: " + BASIC + "\r\n\r\n");
            assertTrue(r.startsWith("RTSP/1.0 200"), r);
            assertTrue(r.toLowerCase().contains("content-base: " + url + "/\r\n"), r);
            assertTrue(r.contains("a=rtpmap:96 H264/90000") && r.contains("sprop-parameter-sets=") && r.contains("a=control:trackID=1"), r);
        }
    }

    @Test
    void servesOneViewerAtATimeOverTcpOnly() throws Exception {
        String setup = "SETUP " + url + "/trackID=1 RTSP/1.0\r\nCSeq: 1\r\nAuthorization: " + BASIC + "\r\nTransport: ";
        try (Socket first = tls(); Socket second = tls()) {
            String r = exchange(first, setup + "RTP/AVP;unicast;client_port=5000-5001\r\n\r\n");
            assertTrue(r.startsWith("RTSP/1.0 461"), r);
            r = exchange(first, setup + "RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n");
            assertTrue(r.startsWith("RTSP/1.0 200") && r.contains("interleaved=0-1") && r.toLowerCase().contains("session: "), r);
            r = exchange(second, setup + "RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n");
            assertTrue(r.startsWith("RTSP/1.0 453"), r);
        }
        Await.until("the slot is free again", Duration.ofSeconds(5), () -> sim.viewers() == 0);
        try (Socket third = tls()) {
            assertTrue(exchange(third, setup + "RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n").startsWith("RTSP/1.0 200"));
        }
    }

    @Test
    void otherPathsAreNotFound() throws Exception {
        try (Socket s = tls()) {
            String r = exchange(s, "DESCRIBE rtsps://127.0.0.1:" + sim.port() + "/other RTSP/1.0\r\nCSeq: 1\r\nAuthorization: " + BASIC + "\r\n\r\n");
            assertTrue(r.startsWith("RTSP/1.0 404"), r);
        }
    }

    @Test
    void plainRtspWithoutTlsIsNotServed() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("OPTIONS " + url + " RTSP/1.0\r\nCSeq: 1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256];
            int n;
            StringBuilder got = new StringBuilder();
            while ((n = in.read(buf)) > 0) {
                got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
            assertTrue(!got.toString().contains("RTSP/1.0"), got.toString());
        }
    }

    @Test
    void stopsAndRestartsOnTheSamePort() throws Exception {
        int port = sim.port();
        sim.stop();
        sim.restart();
        assertEquals(port, sim.port());
        try (Socket s = tls()) {
            assertTrue(exchange(s, "OPTIONS " + url + " RTSP/1.0\r\nCSeq: 1\r\n\r\n").startsWith("RTSP/1.0 200"));
        }
    }

    private Socket tls() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), sim.port());
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }

    /** Sends a request, returns the response head and body (by Content-Length); header names are case-insensitive. */
    private static String exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }
}
