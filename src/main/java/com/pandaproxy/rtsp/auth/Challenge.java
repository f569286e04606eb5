package com.pandaproxy.rtsp.auth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code WWW-Authenticate} challenge: {@code Basic realm="x"} or
 * {@code Digest realm="x", nonce="y", qop="auth", stale=TRUE, algorithm=MD5, opaque="z"}.
 *
 * @param scheme "Basic" or "Digest" as written (compare ignoring case)
 * @param params parameter name (lower case) → value
 */
public record Challenge(String scheme, Map<String, String> params) {

    public Challenge {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** Parses one header value holding one challenge. @throws IllegalArgumentException */
    public static Challenge parse(String header) {
        String h = header.trim();
        int space = h.indexOf(' ');
        String scheme = space < 0 ? h : h.substring(0, space);
        if (scheme.isEmpty()) {
            throw new IllegalArgumentException("empty challenge");
        }
        return new Challenge(scheme, space < 0 ? Map.of() : AuthParams.parse(h.substring(space + 1)));
    }

    /** Parses every header value, skipping malformed ones (a server may offer schemes we do not know). */
    public static List<Challenge> parseAll(List<String> headers) {
        List<Challenge> out = new ArrayList<>();
        for (String h : headers) {
            try {
                out.add(parse(h));
            } catch (IllegalArgumentException ignored) {
                // an unparseable challenge is one we cannot answer; the others may do
            }
        }
        return out;
    }

    public static Challenge basic(String realm) {
        return new Challenge("Basic", Map.of("realm", realm));
    }

    /** A Digest MD5 challenge, optionally offering qop=auth. */
    public static Challenge digest(String realm, String nonce, boolean qopAuth, boolean stale) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("realm", realm);
        p.put("nonce", nonce);
        p.put("algorithm", "MD5");
        if (qopAuth) {
            p.put("qop", "auth");
        }
        if (stale) {
            p.put("stale", "TRUE");
        }
        return new Challenge("Digest", p);
    }

    public boolean isBasic() {
        return scheme.equalsIgnoreCase("Basic");
    }

    public boolean isDigest() {
        return scheme.equalsIgnoreCase("Digest");
    }

    public String realm() {
        return params.getOrDefault("realm", "");
    }

    public String nonce() {
        return params.get("nonce");
    }

    public String opaque() {
        return params.get("opaque");
    }

    /** Digest {@code stale=true}: the nonce expired, the credentials were right; retry with the new nonce. */
    public boolean stale() {
        return "true".equalsIgnoreCase(params.get("stale"));
    }

    /** The algorithm, upper case; MD5 when absent. */
    public String algorithm() {
        return params.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
    }

    /** Whether qop=auth is offered (the list may be "auth,auth-int"). */
    public boolean qopAuth() {
        String qop = params.get("qop");
        return qop != null && Arrays.stream(qop.split(",")).anyMatch(q -> q.trim().equalsIgnoreCase("auth"));
    }

    /** The header value. Realm, nonce, opaque, qop are quoted; algorithm and stale are tokens. */
    public String format() {
        StringBuilder sb = new StringBuilder(scheme);
        String sep = " ";
        for (Map.Entry<String, String> e : params.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=');
            boolean token = e.getKey().equals("algorithm") || e.getKey().equals("stale");
            sb.append(token ? e.getValue() : AuthParams.quote(e.getValue()));
            sep = ", ";
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
