package com.pandaproxy.rtsp;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Control URL rules (RFC 2326 C.1.1): a relative {@code a=control} is resolved against the
 * Content-Base header, else Content-Location, else the DESCRIBE request URL; {@code *} means the
 * base itself. Interop quirk: servers (live555, GStreamer, most cameras) send a base without a
 * trailing slash and mean "append", so "rtsp://h/stream" + "trackID=1" is
 * "rtsp://h/stream/trackID=1", as FFmpeg and GStreamer resolve it — not RFC 3986's "rtsp://h/trackID=1".
 */
public final class RtspUrls {
    private static final Pattern ABSOLUTE = Pattern.compile("(?i)^rtsp[su]?://.*");

    private RtspUrls() {
    }

    /** The base URL for relative controls: Content-Base, else Content-Location, else the request URL. */
    public static String base(String requestUrl, String contentBase, String contentLocation) {
        if (contentBase != null && !contentBase.isBlank()) {
            return absolute(requestUrl, contentBase.trim());
        }
        if (contentLocation != null && !contentLocation.isBlank()) {
            return absolute(requestUrl, contentLocation.trim());
        }
        return requestUrl;
    }

    /** Resolves a control attribute against a base URL. */
    public static String resolve(String base, String control) {
        if (control == null || control.isEmpty() || control.equals("*")) {
            return base;
        }
        if (isAbsolute(control)) {
            return control;
        }
        if (control.startsWith("/")) {
            try {
                URI b = new URI(base);
                return b.getScheme() + "://" + b.getRawAuthority() + control;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("bad base URL");
            }
        }
        return base.endsWith("/") ? base + control : base + "/" + control;
    }

    public static boolean isAbsolute(String url) {
        return ABSOLUTE.matcher(url).matches();
    }

    /** The path of an rtsp:// or rtsps:// URL ("/stream"), or of an absolute path; "" if none. */
    public static String path(String url) {
        if (url.startsWith("/")) {
            return stripQuery(url);
        }
        if (!isAbsolute(url)) {
            throw new IllegalArgumentException("not an RTSP URL");
        }
        int slash = url.indexOf('/', url.indexOf("://") + 3);
        return slash < 0 ? "" : stripQuery(url.substring(slash));
    }

    /** The URL with its scheme replaced (e.g. rtsp:// to rtsps://, which BambuLab printers require). */
    public static String withScheme(String url, String scheme) {
        int sep = url.indexOf("://");
        if (sep < 0) {
            throw new IllegalArgumentException("not an absolute URL");
        }
        return scheme.toLowerCase(Locale.ROOT) + url.substring(sep);
    }

    /** The URL without any user-info ("rtsp://user:pass@host/" → "rtsp://host/"), for logs and requests. */
    public static String withoutUserInfo(String url) {
        int sep = url.indexOf("://");
        if (sep < 0) {
            return url;
        }
        int hostStart = sep + 3;
        int pathStart = url.indexOf('/', hostStart);
        int at = url.lastIndexOf('@', pathStart < 0 ? url.length() : pathStart);
        return at < hostStart ? url : url.substring(0, hostStart) + url.substring(at + 1);
    }

    private static String absolute(String requestUrl, String url) {
        if (isAbsolute(url)) {
            return url;
        }
        try {
            return new URI(requestUrl).resolve(url).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return requestUrl;
        }
    }

    private static String stripQuery(String p) {
        int q = p.indexOf('?');
        return q < 0 ? p : p.substring(0, q);
    }
}
