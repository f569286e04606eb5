package com.pandaproxy.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.rtsp.RtspEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Netty's RTSP encoder, writing header names as RFC 2326 spells them ({@code CSeq},
 * {@code WWW-Authenticate}, {@code RTP-Info}…) instead of Netty's lower-case constants. RTSP
 * names are case-insensitive, but live555, MediaMTX and GStreamer all send these spellings and
 * some NVRs and embedded clients compare them case-sensitively. Other names go out as given.
 */
final class CanonicalRtspEncoder extends RtspEncoder {
    private static final Map<String, String> CANONICAL = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private static final int COLON_SPACE = ':' << 8 | ' ';
    private static final int CRLF = '\r' << 8 | '\n';

    static {
        for (String name : List.of("Accept", "Accept-Encoding", "Accept-Language", "Allow", "Authorization", "Bandwidth",
                "Blocksize", "Cache-Control", "Conference", "Connection", "Content-Base", "Content-Encoding",
                "Content-Language", "Content-Length", "Content-Location", "Content-Type", "CSeq", "Date", "Expires", "From",
                "Host", "If-Match", "If-Modified-Since", "Keymgmt", "Last-Modified", "Location", "Proxy-Authenticate",
                "Proxy-Require", "Public", "Range", "Referer", "Require", "Retry-After", "RTP-Info", "Scale", "Server",
                "Session", "Speed", "Timestamp", "Transport", "Unsupported", "User-Agent", "Vary", "Via",
                "WWW-Authenticate")) {
            CANONICAL.put(name, name);
        }
    }

    /** How RFC 2326 spells {@code name}, or {@code name} itself if it is not one of its headers. */
    static String canonical(CharSequence name) {
        String s = name.toString();
        return CANONICAL.getOrDefault(s, s);
    }

    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            buf.writeCharSequence(canonical(header.getKey()), StandardCharsets.US_ASCII);
            buf.writeShort(COLON_SPACE);
            buf.writeCharSequence(header.getValue(), StandardCharsets.US_ASCII);
            buf.writeShort(CRLF);
        }
    }
}
