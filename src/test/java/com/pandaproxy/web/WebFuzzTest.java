package com.pandaproxy.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pandaproxy.testutil.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What the web server reads of a request itself, with fuzzed values (Netty's HTTP decoder before it
 * is fuzzed with RTSP's): the request URI's path and {@code ?fps=}, the ingress prefix header, and
 * the Authorization header. Each gives a verdict, never an unexpected exception.
 */
class WebFuzzTest {
    private static final BasicAuth AUTH = new BasicAuth("bblp", "12345678");

    /** Three lines: a request URI, an X-Ingress-Path value, an Authorization value (as Netty hands them over, ISO-8859-1). */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void requestParts(byte[] input) {
        String[] lines = new String(input, StandardCharsets.ISO_8859_1).split("\n", 3);
        String uri = lines[0];
        String ingress = lines.length > 1 ? lines[1] : "";
        String authorization = lines.length > 2 ? lines[2] : "";

        String path = Requests.path(uri);
        if (path != null) {
            assertTrue(path.startsWith("/") && uri.startsWith(path), path);
            assertFalse(path.contains("..") || path.contains("//") || path.contains("\\"), path);
        }
        try {
            int fps = Requests.fps(uri);
            assertTrue(fps >= 0 && fps <= Requests.MAX_FPS, uri);
        } catch (NumberFormatException refused) {
            // answered with 400
        }
        String base = Requests.ingressBase(ingress);
        if (base != null) {
            // it goes into the page's <base href="…">
            assertTrue(base.startsWith("/") && base.endsWith("/"), base);
            assertTrue(base.chars().allMatch(c -> c > ' ' && c < 0x7f && "\"'<>&`".indexOf(c) < 0), base);
        }
        if (AUTH.accepts(authorization)) {
            String credentials = authorization.strip().substring("Basic ".length()).strip();
            assertEquals("bblp:12345678", new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8), authorization);
        }
    }
}
