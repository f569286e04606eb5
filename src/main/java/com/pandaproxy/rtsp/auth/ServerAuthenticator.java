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
 * checks an {@code Authorization} header. Nonces are a timestamp plus an HMAC of it under a
 * per-process random key, so issuing them costs no memory; a nonce older than
 * {@link #NONCE_LIFETIME_MILLIS} yields {@link Result#STALE} (answer with {@code stale=TRUE}).
 * With qop=auth the nonce count must grow with each request under a nonce ({@link NonceCounts}):
 * a replayed or repeated count is refused as {@link Result#STALE} too, since the credentials were
 * right and an honest client goes on with the fresh nonce, while a replaying eavesdropper cannot
 * answer it. Without qop (RFC 2069 clients such as GStreamer) there is no count, so such a nonce
 * can be replayed until it expires. Comparisons are constant-time. Thread-safe.
 */
public final class ServerAuthenticator {
    public static final long NONCE_LIFETIME_MILLIS = 10 * 60_000;
    /** Nonces whose counts are remembered: far more than clients at once, each a few dozen bytes. */
    static final int MAX_COUNTED_NONCES = 4096;

    public enum Result { OK, MISSING, FAILED, STALE }

    private final String realm;
    private final String username;
    private final String password;
    private final Clock clock;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key = new byte[32];
    private final NonceCounts counts = new NonceCounts(MAX_COUNTED_NONCES);

    public ServerAuthenticator(String realm, String username, String password) {
        this(realm, username, password, Clock.systemUTC());
    }

    public ServerAuthenticator(String realm, String username, String password, Clock clock) {
        this.realm = realm;
        this.username = username;
        this.password = password;
        this.clock = clock;
        RANDOM.nextBytes(key);
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
                long issued = nonceIssued(d.nonce());
                if (issued == -1) {
                    return Result.FAILED;
                }
                long age = clock.millis() - issued;
                if (age < -60_000 || age > NONCE_LIFETIME_MILLIS) {
                    return Result.STALE;
                }
                if (d.qop() != null && !counts.accept(d.nonce(), issued, nonceCount(d.nc()), clock.millis() - NONCE_LIFETIME_MILLIS)) {
                    return Result.STALE;
                }
                return Result.OK;
            }
            return Result.FAILED;
        } catch (IllegalArgumentException e) {
            return Result.FAILED;
        }
    }

    /**
     * A fresh nonce, for a caller that writes its own challenge (e.g. Digest without qop):
     * {@code <issued millis>.<random>.<HMAC of both>}, hex. The random part keeps two nonces of
     * the same millisecond apart (each has its own nonce count).
     */
    public String newNonce() {
        byte[] salt = new byte[8];
        RANDOM.nextBytes(salt);
        String signed = Long.toHexString(clock.millis()) + "." + HexFormat.of().formatHex(salt);
        return signed + "." + mac(signed);
    }

    /** When one of our nonces was issued (millis), or -1 if it is not one of ours. */
    private long nonceIssued(String nonce) {
        int dot = nonce.indexOf('.');
        int lastDot = nonce.lastIndexOf('.');
        if (dot <= 0 || lastDot == dot) {
            return -1;
        }
        String time = nonce.substring(0, dot);
        if (!equal(nonce.substring(lastDot + 1), mac(nonce.substring(0, lastDot)))) {
            return -1;
        }
        try {
            long issued = Long.parseUnsignedLong(time, 16);
            return issued < 0 ? -1 : issued;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The nc value: 8 hex digits, at least 1. @throws IllegalArgumentException */
    private static long nonceCount(String nc) {
        if (nc.length() != 8) {
            throw new IllegalArgumentException("nc is not 8 hex digits");
        }
        long n = Long.parseLong(nc, 16);
        if (n < 1) {
            throw new IllegalArgumentException("nc must be at least 1");
        }
        return n;
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
