package com.pandaproxy.rtsp.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Digest access authentication computations, MD5 only (RFC 2617, RFC 7616 §3.4.1). */
public final class Digest {
    private Digest() {
    }

    /** HA1 = MD5(username:realm:password), lower-case hex. */
    public static String ha1(String username, String realm, String password) {
        return md5Hex(username + ":" + realm + ":" + password);
    }

    /** HA2 = MD5(method:uri). */
    public static String ha2(String method, String uri) {
        return md5Hex(method + ":" + uri);
    }

    /**
     * The response: MD5(HA1:nonce:nc:cnonce:qop:HA2) with qop, MD5(HA1:nonce:HA2) without
     * ({@code qop} null).
     */
    public static String response(String ha1, String nonce, String nc, String cnonce, String qop, String ha2) {
        if (qop == null) {
            return md5Hex(ha1 + ":" + nonce + ":" + ha2);
        }
        return md5Hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /** Client side: the credentials answering a Digest challenge (qop=auth when offered). */
    public static DigestAuthorization authorize(Challenge challenge, String username, String password,
                                                String method, String uri, int nc, String cnonce) {
        if (!challenge.isDigest()) {
            throw new IllegalArgumentException("not a Digest challenge");
        }
        if (!challenge.algorithm().equals("MD5")) {
            throw new IllegalArgumentException("unsupported Digest algorithm");
        }
        String ha1 = ha1(username, challenge.realm(), password);
        String ha2 = ha2(method, uri);
        String qop = challenge.qopAuth() ? "auth" : null;
        String ncHex = qop == null ? null : String.format("%08x", nc);
        String cn = qop == null ? null : cnonce;
        String response = response(ha1, challenge.nonce(), ncHex, cn, qop, ha2);
        return new DigestAuthorization(username, challenge.realm(), challenge.nonce(), uri, response,
                challenge.params().containsKey("algorithm") ? challenge.params().get("algorithm") : null,
                qop, ncHex, cn, challenge.opaque());
    }

    /**
     * Server side: whether the credentials' response is right for this password and method,
     * compared in constant time. Does not judge the nonce (see {@link ServerAuthenticator}).
     */
    public static boolean verify(DigestAuthorization auth, String password, String method) {
        if (auth.algorithm() != null && !auth.algorithm().equalsIgnoreCase("MD5")) {
            return false;
        }
        if (auth.qop() != null && !auth.qop().equalsIgnoreCase("auth")) {
            return false;
        }
        String expected = response(ha1(auth.username(), auth.realm(), password), auth.nonce(), auth.nc(),
                auth.cnonce(), auth.qop(), ha2(method, auth.uri()));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.response().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    static String md5Hex(String s) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(32);
            for (byte b : d) {
                sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
