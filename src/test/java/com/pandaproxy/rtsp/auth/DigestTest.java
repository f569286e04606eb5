package com.pandaproxy.rtsp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DigestTest {
    @Test
    void rfc2617Example() {
        // RFC 2617 §3.5
        Challenge c = Challenge.parse("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
        assertTrue(c.isDigest());
        assertTrue(c.qopAuth());
        assertEquals("MD5", c.algorithm());
        DigestAuthorization a = Digest.authorize(c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1, "0a4f113b");
        assertEquals("6629fae49393a05397450978507c4ef1", a.response());
        assertEquals("00000001", a.nc());
        assertEquals("5ccc069c403ebaf9f0171e9517f40e41", a.opaque());
        DigestAuthorization back = DigestAuthorization.parse(a.format());
        assertEquals(a, back);
        assertTrue(Digest.verify(back, "Circle Of Life", "GET"));
        assertFalse(Digest.verify(back, "Circle of Life", "GET"));
        assertFalse(Digest.verify(back, "Circle Of Life", "PLAY"));
    }

    @Test
    void rfc7616Md5Example() {
        // RFC 7616 §3.9.1 (MD5)
        Challenge c = Challenge.parse("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, "
                + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
        DigestAuthorization a = Digest.authorize(c, "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1,
                "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", a.response());
        assertEquals("MD5", a.algorithm());
    }

    @Test
    void rfc7616ServerOfferingSha256AndMd5GetsMd5() {
        // RFC 7616 §3.9.1: the server sends a SHA-256 challenge first, then an MD5 one
        String sha = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
                + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        ClientAuthenticator client = new ClientAuthenticator("Mufasa", "Circle of Life");
        assertTrue(client.challenged(List.of(sha, sha.replace("SHA-256", "MD5"))));
        DigestAuthorization a = DigestAuthorization.parse(client.authorization("GET", "/dir/index.html"));
        assertEquals("MD5", a.algorithm());
        assertEquals("00000001", a.nc());
        assertEquals("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", a.opaque());
        assertTrue(Digest.verify(a, "Circle of Life", "GET"));
        // only SHA-256 offered: nothing we can answer
        assertFalse(new ClientAuthenticator("Mufasa", "Circle of Life").challenged(List.of(sha)));
    }

    @Test
    void withoutQop() {
        // RFC 2069 style, as live555 and many cameras do: response = MD5(HA1:nonce:HA2)
        Challenge c = Challenge.parse("Digest realm=\"LIVE555 Streaming Media\", nonce=\"435a79a4baaee7fe09baf6278cfe05ce\"");
        assertFalse(c.qopAuth());
        DigestAuthorization a = Digest.authorize(c, "u", "p", "DESCRIBE", "rtsp://h/s", 1, "x");
        assertNull(a.qop());
        assertNull(a.nc());
        String expected = Digest.md5Hex(Digest.ha1("u", "LIVE555 Streaming Media", "p") + ":435a79a4baaee7fe09baf6278cfe05ce:"
                + Digest.md5Hex("DESCRIBE:rtsp://h/s"));
        assertEquals(expected, a.response());
        assertEquals("Digest username=\"u\", realm=\"LIVE555 Streaming Media\", nonce=\"435a79a4baaee7fe09baf6278cfe05ce\", "
                + "uri=\"rtsp://h/s\", response=\"" + expected + "\"", a.format());
        assertTrue(Digest.verify(DigestAuthorization.parse(a.format()), "p", "DESCRIBE"));
    }

    @Test
    void challengeFormatsAndParses() {
        Challenge d = Challenge.digest("PandaProxy", "n1", true, true);
        assertEquals("Digest realm=\"PandaProxy\", nonce=\"n1\", algorithm=MD5, qop=\"auth\", stale=TRUE", d.format());
        Challenge back = Challenge.parse(d.format());
        assertTrue(back.stale());
        assertEquals("n1", back.nonce());
        assertEquals("Basic realm=\"a \\\"b\\\"\"", Challenge.basic("a \"b\"").format());
        assertEquals("a \"b\"", Challenge.parse("Basic realm=\"a \\\"b\\\"\"").realm());
        assertEquals(1, Challenge.parseAll(List.of("Digest realm=\"x", "Basic realm=\"r\"")).size());
        assertThrows(IllegalArgumentException.class, () -> Challenge.parse("Digest realm"));
        assertThrows(IllegalArgumentException.class, () -> DigestAuthorization.parse("Digest username=\"u\""));
        assertThrows(IllegalArgumentException.class, () -> DigestAuthorization.parse(
                "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"x\", qop=auth"));
        assertThrows(IllegalArgumentException.class, () -> AuthParams.parse("a=1, ".repeat(AuthParams.MAX_PARAMS + 1)));
    }

    @Test
    void basicRfc7617() {
        BasicCredentials b = BasicCredentials.parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assertEquals("Aladdin", b.username());
        assertEquals("open sesame", b.password());
        assertEquals("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", b.format());
        assertFalse(b.toString().contains("sesame"));
        assertThrows(IllegalArgumentException.class, () -> BasicCredentials.parse("Basic !!!"));
        assertThrows(IllegalArgumentException.class, () -> BasicCredentials.parse("Basic bm9jb2xvbg=="));
    }
}
