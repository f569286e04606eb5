package com.pandaproxy.rtsp.server;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.rtsp.RtspUrls;
import java.util.List;

/**
 * The stream's URLs on the proxy: {@code /stream} (documented) and {@code /streaming/live/1} (the
 * printer's own, so a client set up for the printer works by changing only the address), each
 * with its tracks at {@code <path>/trackID=<n>}.
 */
final class StreamPaths {
    static final List<String> STREAMS = List.of("/stream", Bambu.STREAM_PATH);
    static final String TRACK = "trackID=";

    /** A request URI resolved to a stream, and a track (or -1 for the stream itself). */
    record Target(String stream, int track) {
    }

    private StreamPaths() {
    }

    /** The target of a request URI, or null if it names nothing here. @throws IllegalArgumentException if not a URL */
    static Target match(String uri) {
        String path = RtspUrls.path(uri);
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        for (String s : STREAMS) {
            if (path.equals(s)) {
                return new Target(s, -1);
            }
            if (path.startsWith(s + "/" + TRACK)) {
                String n = path.substring(s.length() + 1 + TRACK.length());
                if (!n.isEmpty() && n.length() <= 3 && n.chars().allMatch(Character::isDigit)) {
                    return new Target(s, Integer.parseInt(n));
                }
            }
        }
        return null;
    }

    /**
     * The base URL for the stream's relative track controls (Content-Base): the request URL as
     * the client wrote it, without user-info or query, with a trailing slash.
     */
    static String base(String requestUri) {
        String url = RtspUrls.withoutUserInfo(requestUri);
        int q = url.indexOf('?');
        if (q >= 0) {
            url = url.substring(0, q);
        }
        return url.endsWith("/") ? url : url + "/";
    }
}
