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
    }
}
