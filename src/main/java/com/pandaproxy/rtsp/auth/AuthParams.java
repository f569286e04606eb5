package com.pandaproxy.rtsp.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses and writes the {@code name=value, name="quoted value"} lists of HTTP/RTSP authentication
 * headers (RFC 7235 auth-param), with backslash escapes in quoted strings. Bounded in size.
 */
final class AuthParams {
    static final int MAX_LENGTH = 4096;
    static final int MAX_PARAMS = 32;

    private AuthParams() {
    }

    /** Names in lower case. @throws IllegalArgumentException if malformed */
    static Map<String, String> parse(String s) {
        if (s.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("authentication header too long");
        }
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        int count = 0;
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int nameStart = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',' && s.charAt(i) != ' ') {
                i++;
            }
            String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
            if (i >= n || s.charAt(i) != '=') {
                throw new IllegalArgumentException("malformed authentication parameter");
            }
            i++;
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
            String value;
            if (i < n && s.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) {
                        sb.append(s.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        sb.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated quoted string");
                }
                value = sb.toString();
            } else {
                int valueStart = i;
                while (i < n && s.charAt(i) != ',' && s.charAt(i) != ' ') {
                    i++;
                }
                value = s.substring(valueStart, i);
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("malformed authentication parameter");
            }
            if (++count > MAX_PARAMS) {
                throw new IllegalArgumentException("too many authentication parameters");
            }
            out.putIfAbsent(name, value);
        }
        return out;
    }

    static String quote(String v) {
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
