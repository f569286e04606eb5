package com.pandaproxy.web;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the web server reads of a request beyond Netty's HTTP parsing: the path, Home Assistant's
 * ingress prefix, an MJPEG viewer's {@code ?fps=} (the Authorization header is {@link BasicAuth}'s).
 * Pure: strings in, verdicts out.
 */
final class Requests {
    /** Most pictures a second an MJPEG viewer may ask for. */
    static final int MAX_FPS = 30;
    /** What an ingress prefix looks like ("/api/hassio_ingress/TOKEN"): nothing that could break out of an attribute. */
    private static final Pattern INGRESS_PATH = Pattern.compile("(/[A-Za-z0-9_.~-]{1,128}){1,8}");

    private Requests() {
    }

    /**
     * The path of a request URI, as sent (not decoded, without the query), or null when it is refused:
     * not absolute, or with "..", "//", a backslash, or an encoded '/', '\' or '.'.
     */
    static String path(String uri) {
        String rawPath = new QueryStringDecoder(uri).rawPath();
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (!rawPath.startsWith("/") || rawPath.contains("..") || rawPath.contains("//") || rawPath.contains("\\")
                || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e")) {
            return null;
        }
        return rawPath;
    }

    /** The pages' link base under an ingress prefix (the prefix and "/"), or null when the header is not one. */
    static String ingressBase(String header) {
        return INGRESS_PATH.matcher(header).matches() ? header + "/" : null;
    }

    /**
     * The {@code fps} parameter of an MJPEG request: 0 when there is none (no cap), else 1 to {@link #MAX_FPS}.
     *
     * @throws NumberFormatException if it is anything else, or the query cannot be read (a malformed %-escape)
     */
    static int fps(String uri) {
        List<String> values;
        try {
            values = new QueryStringDecoder(uri).parameters().get("fps");
        } catch (IllegalArgumentException e) {
            throw new NumberFormatException("malformed query");
        }
        int fps = values == null || values.isEmpty() ? 0 : Integer.parseInt(values.get(0));
        if (fps < 0 || fps > MAX_FPS) {
            throw new NumberFormatException("fps " + fps);
        }
        return fps;
    }
}
