package com.pandaproxy.rtsp.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** {@code Authorization: Basic base64(user:password)} (RFC 7617). toString() hides the password. */
public record BasicCredentials(String username, String password) {

    /** Parses the header value. @throws IllegalArgumentException */
    public static BasicCredentials parse(String header) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new IllegalArgumentException("not Basic credentials");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("malformed Basic credentials");
        }
        return new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    public String format() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BasicCredentials[username=" + username + "]";
    }
}
