package com.pandaproxy.rtsp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pandaproxy.testutil.Fuzz;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** RTSP authentication with fuzzed headers: a client's Authorization, the printer's WWW-Authenticate. */
class AuthFuzzTest {
    private static final ServerAuthenticator SERVER = new ServerAuthenticator("PandaProxy", "bblp", "12345678",
            Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));

    /** Whatever a client sends, the server gives a verdict, never an exception, and guesses never pass. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void clientAuthorization(byte[] header) {
        String value = new String(header, StandardCharsets.ISO_8859_1);
        ServerAuthenticator.Result result = SERVER.verify("DESCRIBE", value);
        if (result == ServerAuthenticator.Result.OK) {
            // only the right Basic credentials pass: a Digest answer needs a nonce of ours, which random bytes cannot make
            BasicCredentials c = BasicCredentials.parse(value.trim());
            assertEquals("bblp:12345678", c.username() + ":" + c.password(), value);
        }
        for (Runnable parse : List.<Runnable>of(() -> BasicCredentials.parse(value), () -> DigestAuthorization.parse(value))) {
            try {
                parse.run();
            } catch (IllegalArgumentException refused) {
                // the parser's verdict
            }
        }
    }

    /** The printer's 401: one challenge a line. The upstream picks one, or none, and answers it. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void printerChallenges(byte[] headers) {
        List<String> values = List.of(new String(headers, StandardCharsets.ISO_8859_1).split("\n", 8));
        ClientAuthenticator client = new ClientAuthenticator("bblp", "12345678");
        if (client.challenged(values) && client.ready()) {
            client.authorization("DESCRIBE", "rtsp://10.0.0.2/streaming/live/1");
            client.challenged(values); // the same 401 again: the code was wrong
        }
    }
}
