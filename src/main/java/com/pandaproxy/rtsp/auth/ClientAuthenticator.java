package com.pandaproxy.rtsp.auth;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Client side of RTSP authentication for one connection: remembers the server's last challenge
 * (Digest MD5 preferred over Basic) and computes the {@code Authorization} value for each request,
 * counting nc per nonce. Not thread-safe: use it on the connection's event loop.
 */
public final class ClientAuthenticator {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String username;
    private final String password;
    private Challenge challenge;
    private boolean sentSinceChallenge;
    private int nc;

    public ClientAuthenticator(String username, String password) {
        this.username = username;
        this.password = password;
    }

    /**
     * Takes the {@code WWW-Authenticate} values of a 401. Returns whether retrying the request
     * can help: true the first time, or when the server says the nonce was stale; false when the
     * credentials already sent were refused (wrong password) or no usable scheme is offered.
     */
    public boolean challenged(List<String> wwwAuthenticate) {
        List<Challenge> all = Challenge.parseAll(wwwAuthenticate);
        Challenge chosen = null;
        for (Challenge c : all) {
            if (c.isDigest() && c.algorithm().equals("MD5") && c.nonce() != null) {
                chosen = c;
                break;
            }
        }
        if (chosen == null) {
            chosen = all.stream().filter(Challenge::isBasic).findFirst().orElse(null);
        }
        if (chosen == null) {
            return false;
        }
        boolean retry = !sentSinceChallenge || (chosen.isDigest() && chosen.stale());
        challenge = chosen;
        sentSinceChallenge = false;
        nc = 0;
        return retry;
    }

    /** Whether a challenge was seen, so requests carry credentials. */
    public boolean ready() {
        return challenge != null;
    }

    /** The {@code Authorization} value for a request, or null before any challenge. */
    public String authorization(String method, String uri) {
        if (challenge == null) {
            return null;
        }
        sentSinceChallenge = true;
        if (challenge.isBasic()) {
            return new BasicCredentials(username, password).format();
        }
        byte[] c = new byte[8];
        RANDOM.nextBytes(c);
        return Digest.authorize(challenge, username, password, method, uri, ++nc, HexFormat.of().formatHex(c)).format();
    }
}
