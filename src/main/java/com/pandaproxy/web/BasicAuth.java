package com.pandaproxy.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

/**
 * HTTP Basic authentication (RFC 7617) against one user name and password, compared in constant
 * time. Never shows the password: not in {@link #toString()}, not in a message.
 */
public final class BasicAuth {
    /** Longer Authorization headers are refused without decoding. */
    static final int MAX_HEADER = 512;

    private final String user;
    private final byte[] expected;

    public BasicAuth(String user, String password) {
        this.user = user;
        this.expected = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    }

    public String user() {
        return user;
    }

    /** Whether an Authorization header value carries the right user name and password. */
    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() > MAX_HEADER) {
            return false;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("basic")) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(value.substring(space + 1).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, expected);
    }

    @Override
    public String toString() {
        return "BasicAuth[user=" + user + "]";
    }
}
