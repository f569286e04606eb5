package com.pandaproxy.rtsp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.rtsp.auth.ServerAuthenticator.Result;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void digestWithQopRoundTrip() {
        ServerAuthenticator server = new ServerAuthenticator("PandaProxy", "bblp", "12345678");
        List<String> challenges = server.challenges(false);
        assertTrue(challenges.get(0).startsWith("Digest "));
        assertTrue(challenges.get(1).startsWith("Basic "));
        ClientAuthenticator client = new ClientAuthenticator("bblp", "12345678");
        assertNull(client.authorization("OPTIONS", "rtsp://h/stream"));
        assertTrue(client.challenged(challenges));
        String a1 = client.authorization("DESCRIBE", "rtsp://h/stream");
        assertTrue(a1.contains("nc=00000001"), a1);
        assertEquals(Result.OK, server.verify("DESCRIBE", a1));
        String a2 = client.authorization("SETUP", "rtsp://h/stream/trackID=0");
        assertTrue(a2.contains("nc=00000002"), a2);
        assertEquals(Result.OK, server.verify("SETUP", a2));
        assertEquals(Result.FAILED, server.verify("PLAY", a2));
    }

    @Test
    void wrongPasswordIsNotRetried() {
        ServerAuthenticator server = new ServerAuthenticator("PandaProxy", "bblp", "12345678");
        ClientAuthenticator client = new ClientAuthenticator("bblp", "wrong");
        assertTrue(client.challenged(server.challenges(false)));
        String a = client.authorization("DESCRIBE", "rtsp://h/stream");
        assertEquals(Result.FAILED, server.verify("DESCRIBE", a));
        assertFalse(client.challenged(server.challenges(false)));
        assertEquals(Result.MISSING, server.verify("DESCRIBE", null));
        assertEquals(Result.FAILED, server.verify("DESCRIBE", "Bearer x"));
        assertEquals(Result.FAILED, server.verify("DESCRIBE", "Digest garbage"));
    }

    @Test
    void basicFallbackWhenOnlyBasicOffered() {
        ServerAuthenticator server = new ServerAuthenticator("PandaProxy", "bblp", "12345678");
        ClientAuthenticator client = new ClientAuthenticator("bblp", "12345678");
        assertTrue(client.challenged(List.of(server.challenges(false).get(1))));
        String a = client.authorization("DESCRIBE", "rtsp://h/stream");
        assertEquals("Basic " + java.util.Base64.getEncoder().encodeToString("bblp:12345678".getBytes()), a);
        assertEquals(Result.OK, server.verify("DESCRIBE", a));
        assertEquals(Result.FAILED, server.verify("DESCRIBE", new BasicCredentials("admin", "12345678").format()));
    }

    @Test
    void staleNonceIsAnnouncedAndRetried() {
        MutableClock clock = new MutableClock();
        ServerAuthenticator server = new ServerAuthenticator("PandaProxy", "bblp", "12345678", clock);
        ClientAuthenticator client = new ClientAuthenticator("bblp", "12345678");
        client.challenged(server.challenges(false));
        String a = client.authorization("DESCRIBE", "rtsp://h/stream");
        clock.now = clock.now.plus(Duration.ofMillis(ServerAuthenticator.NONCE_LIFETIME_MILLIS + 1));
        assertEquals(Result.STALE, server.verify("DESCRIBE", a));
        List<String> stale = server.challenges(true);
        assertTrue(stale.get(0).contains("stale=TRUE"));
        assertTrue(client.challenged(stale));
        assertEquals(Result.OK, server.verify("DESCRIBE", client.authorization("DESCRIBE", "rtsp://h/stream")));
    }

    @Test
    void forgedNonceFails() {
        ServerAuthenticator server = new ServerAuthenticator("PandaProxy", "bblp", "12345678");
        Challenge forged = Challenge.digest("PandaProxy", "18f0000000.00000000000000000000000000000000", true, false);
        DigestAuthorization a = Digest.authorize(forged, "bblp", "12345678", "DESCRIBE", "rtsp://h/s", 1, "c");
        assertEquals(Result.FAILED, server.verify("DESCRIBE", a.format()));
        String real = server.newNonce();
        String later = Long.toHexString(Long.parseLong(real.substring(0, real.indexOf('.')), 16) + 60_000)
                + real.substring(real.indexOf('.'));
        assertEquals(Result.FAILED, server.verify("DESCRIBE", answerTo(Challenge.digest("PandaProxy", later, true, false),
                "DESCRIBE", "00000001")), "a nonce with its time moved on is not ours");
    }

    /** A qop=auth answer to the server's current challenge with a chosen nc (hex as sent). */
    private static String answer(ServerAuthenticator server, String method, String nc) {
        Challenge c = Challenge.parse(server.challenges(false).get(0));
        return answerTo(c, method, nc);
    }

    private static String answerTo(Challenge c, String method, String nc) {
        String uri = "rtsp://h/stream";
        String response = Digest.response(Digest.ha1("bblp", c.realm(), "12345678"), c.nonce(), nc, "0a4f113b", "auth",
                Digest.ha2(method, uri));
        return new DigestAuthorization("bblp", c.realm(), c.nonce(), uri, response, "MD5", "auth", nc, "0a4f113b", null).format();
    }

    @Test
    void nonceCountMustIncreaseAndAReplayIsRefused() {
        ServerAuthenticator server = new ServerAuthenticator("PandaProxy", "bblp", "12345678");
        Challenge c = Challenge.parse(server.challenges(false).get(0));
        String first = answerTo(c, "DESCRIBE", "00000001");
        assertEquals(Result.OK, server.verify("DESCRIBE", first));
        // the same request again, e.g. replayed by an eavesdropper on a new connection
        assertEquals(Result.STALE, server.verify("DESCRIBE", first));
        assertEquals(Result.OK, server.verify("SETUP", answerTo(c, "SETUP", "00000003")));
        // counts may skip but never go back
        assertEquals(Result.STALE, server.verify("PLAY", answerTo(c, "PLAY", "00000002")));
        assertEquals(Result.STALE, server.verify("PLAY", answerTo(c, "PLAY", "00000003")));
        assertEquals(Result.OK, server.verify("PLAY", answerTo(c, "PLAY", "00000004")));
        // another nonce (even one issued in the same millisecond) has its own count
        assertEquals(Result.OK, server.verify("DESCRIBE", answer(server, "DESCRIBE", "00000001")));
        assertEquals(Result.OK, server.verify("DESCRIBE", answer(server, "DESCRIBE", "00000001")));
        // the refusal offers a fresh nonce, marked stale, and the client goes on with it
        ClientAuthenticator client = new ClientAuthenticator("bblp", "12345678");
        assertTrue(client.challenged(server.challenges(true)));
        assertEquals(Result.OK, server.verify("DESCRIBE", client.authorization("DESCRIBE", "rtsp://h/stream")));
    }

    @Test
    void wrongCredentialsDoNotUseUpACount() {
        ServerAuthenticator server = new ServerAuthenticator("PandaProxy", "bblp", "12345678");
        Challenge c = Challenge.parse(server.challenges(false).get(0));
        DigestAuthorization wrong = Digest.authorize(c, "bblp", "wrong", "DESCRIBE", "rtsp://h/stream", 5, "x");
        assertEquals(Result.FAILED, server.verify("DESCRIBE", wrong.format()));
        assertEquals(Result.OK, server.verify("DESCRIBE", answerTo(c, "DESCRIBE", "00000001")));
    }

    @Test
    void malformedNonceCountFails() {
        ServerAuthenticator server = new ServerAuthenticator("PandaProxy", "bblp", "12345678");
        Challenge c = Challenge.parse(server.challenges(false).get(0));
        assertEquals(Result.FAILED, server.verify("DESCRIBE", answerTo(c, "DESCRIBE", "1")));
        assertEquals(Result.FAILED, server.verify("DESCRIBE", answerTo(c, "DESCRIBE", "0000000g")));
        assertEquals(Result.FAILED, server.verify("DESCRIBE", answerTo(c, "DESCRIBE", "00000000")));
        assertEquals(Result.OK, server.verify("DESCRIBE", answerTo(c, "DESCRIBE", "00000001")));
    }

    @Test
    void noncesExpireAndFutureOnesAreStale() {
        MutableClock clock = new MutableClock();
        ServerAuthenticator server = new ServerAuthenticator("PandaProxy", "bblp", "12345678", clock);
        Challenge c = Challenge.parse(server.challenges(false).get(0));
        clock.now = clock.now.plus(Duration.ofMillis(ServerAuthenticator.NONCE_LIFETIME_MILLIS));
        assertEquals(Result.OK, server.verify("DESCRIBE", answerTo(c, "DESCRIBE", "00000001")));
        clock.now = clock.now.plus(Duration.ofMillis(1));
        assertEquals(Result.STALE, server.verify("DESCRIBE", answerTo(c, "DESCRIBE", "00000002")));
        // a nonce from well in the future (the clock was set back) is no good either
        Challenge later = Challenge.parse(server.challenges(false).get(0));
        clock.now = clock.now.minus(Duration.ofMinutes(2));
        assertEquals(Result.STALE, server.verify("DESCRIBE", answerTo(later, "DESCRIBE", "00000001")));
    }

    @Test
    void withoutQopANonceServesUntilItExpires() {
        // RFC 2069 clients (GStreamer) send no nc: nothing to count, the nonce's lifetime bounds a replay
        MutableClock clock = new MutableClock();
        ServerAuthenticator server = new ServerAuthenticator("PandaProxy", "bblp", "12345678", clock);
        Challenge noQop = Challenge.digest("PandaProxy", server.newNonce(), false, false);
        String a = Digest.authorize(noQop, "bblp", "12345678", "DESCRIBE", "rtsp://h/stream", 1, "x").format();
        assertEquals(Result.OK, server.verify("DESCRIBE", a));
        assertEquals(Result.OK, server.verify("DESCRIBE", a));
        clock.now = clock.now.plus(Duration.ofMillis(ServerAuthenticator.NONCE_LIFETIME_MILLIS + 1));
        assertEquals(Result.STALE, server.verify("DESCRIBE", a));
    }

    @Test
    void countsAreBoundedAndForgottenNoncesAreUsedUp() {
        NonceCounts counts = new NonceCounts(3);
        assertTrue(counts.accept("a", 100, 1, 0));
        assertTrue(counts.accept("b", 200, 1, 0));
        assertTrue(counts.accept("c", 300, 1, 0));
        assertTrue(counts.accept("d", 400, 1, 0));
        assertEquals(3, counts.size());
        // "a" was forgotten: its count cannot be checked any more, so it is refused
        assertFalse(counts.accept("a", 100, 2, 0));
        assertFalse(counts.accept("e", 50, 1, 0));
        assertTrue(counts.accept("b", 200, 2, 0));
        // expired entries go first when room is needed
        assertTrue(counts.accept("f", 500, 1, 350));
        assertEquals(2, counts.size());
        assertTrue(counts.accept("d", 400, 2, 0));
        assertFalse(counts.accept("d", 400, 2, 0));
    }
}
