package com.pandaproxy.rtsp.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server side of RTSP authentication with one user: offers Digest (MD5, qop=auth) and Basic, and
 * checks an {@code Authorization} header. Nonces are stateless: a timestamp plus an HMAC of it
 * under a per-process random key, so no memory grows with clients; a nonce older than
 * {@link #NONCE_LIFETIME_MILLIS} yields {@link Result#STALE} (answer with {@code stale=TRUE}).
 * Comparisons are constant-time. Thread-safe.
 */
public final class ServerAuthenticator {
    public static final long NONCE_LIFETIME_MILLIS = 10 * 60_000;

    public enum Result { OK, MISSING, FAILED, STALE }

    private final String realm;
    private final String username;
    private final String password;
    private final Clock clock;
    private final byte[] key = new byte[32];

    public ServerAuthenticator(String realm, String username, String password) {
        this(realm, username, password, Clock.systemUTC());
    }

    public ServerAuthenticator(String realm, String username, String password, Clock clock) {
        this.realm = realm;
        this.username = username;
        this.password = password;
        this.clock = clock;
        new SecureRandom().nextBytes(key);
    }

    /** The {@code WWW-Authenticate} values for a 401: Digest first (preferred), then Basic. */
    public List<String> challenges(boolean stale) {
        return List.of(Challenge.digest(realm, newNonce(), true, stale).format(), Challenge.basic(realm).format());
    }

    /** Checks the {@code Authorization} header value (null when absent) of a request with this method. */
    public Result verify(String method, String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Result.MISSING;
        }
        try {
            String a = authorization.trim();
            if (a.regionMatches(true, 0, "Basic ", 0, 6)) {
                BasicCredentials c = BasicCredentials.parse(a);
                // evaluate both comparisons so timing does not tell which one failed
                boolean user = equal(c.username(), username);
                boolean pass = equal(c.password(), password);
                return user & pass ? Result.OK : Result.FAILED;
            }
            if (a.regionMatches(true, 0, "Digest ", 0, 7)) {
                DigestAuthorization d = DigestAuthorization.parse(a);
                boolean user = equal(d.username(), username);
                boolean realmOk = d.realm().equals(realm);
                boolean response = Digest.verify(d, password, method);
                if (!(user & realmOk & response)) {
                    return Result.FAILED;
                }
                return nonceFresh(d.nonce());
            }
            return Result.FAILED;
        } catch (IllegalArgumentException e) {
            return Result.FAILED;
        }
    }

    /** A fresh nonce, for a caller that writes its own challenge (e.g. Digest without qop). */
    public String newNonce() {
        String time = Long.toHexString(clock.millis());
        return time + "." + mac(time);
    }

    private Result nonceFresh(String nonce) {
        int dot = nonce.indexOf('.');
        if (dot <= 0) {
            return Result.FAILED;
        }
        String time = nonce.substring(0, dot);
        if (!equal(nonce.substring(dot + 1), mac(time))) {
            return Result.FAILED;
        }
        long issued;
        try {
            issued = Long.parseUnsignedLong(time, 16);
        } catch (NumberFormatException e) {
            return Result.FAILED;
        }
        long age = clock.millis() - issued;
        return age >= -60_000 && age <= NONCE_LIFETIME_MILLIS ? Result.OK : Result.STALE;
    }

    private String mac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] out = mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(out, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
