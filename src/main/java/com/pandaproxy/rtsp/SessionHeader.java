package com.pandaproxy.rtsp;

/**
 * The RTSP {@code Session} header: an id and an optional timeout in seconds
 * ({@code 12345678;timeout=60}).
 *
 * @param timeoutSeconds -1 when not given (RFC 2326 default: 60)
 */
public record SessionHeader(String id, int timeoutSeconds) {
    public static final int DEFAULT_TIMEOUT = 60;

    public static SessionHeader parse(String value) {
        String[] parts = value.split(";");
        String id = parts[0].trim();
        if (id.isEmpty() || id.length() > 256) {
            throw new IllegalArgumentException("bad Session header");
        }
        int timeout = -1;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.regionMatches(true, 0, "timeout=", 0, 8)) {
                try {
                    timeout = Integer.parseInt(p.substring(8).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad Session timeout");
                }
            }
        }
        return new SessionHeader(id, timeout);
    }

    /** The timeout to use: the given one, else the RFC default. */
    public int timeoutOrDefault() {
        return timeoutSeconds > 0 ? timeoutSeconds : DEFAULT_TIMEOUT;
    }

    public String format() {
        return timeoutSeconds >= 0 ? id + ";timeout=" + timeoutSeconds : id;
    }
}
