package com.pandaproxy.rtsp;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the RTSP {@code RTP-Info} header (RFC 2326 §12.33):
 * {@code url=rtsp://h/stream/trackID=0;seq=123;rtptime=456}. Fields not given are -1.
 */
public record RtpInfo(String url, int seq, long rtptime) {

    public static String format(List<RtpInfo> entries) {
        StringBuilder sb = new StringBuilder();
        for (RtpInfo e : entries) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append("url=").append(e.url);
            if (e.seq >= 0) {
                sb.append(";seq=").append(e.seq);
            }
            if (e.rtptime >= 0) {
                sb.append(";rtptime=").append(e.rtptime);
            }
        }
        return sb.toString();
    }

    /**
     * Parses the header. Splits entries at ",url=" rather than at every comma, because URLs may
     * contain commas. @throws IllegalArgumentException
     */
    public static List<RtpInfo> parse(String header) {
        List<RtpInfo> out = new ArrayList<>();
        for (String entry : header.trim().split(",\\s*(?=url=)")) {
            String url = null;
            int seq = -1;
            long rtptime = -1;
            for (String p : entry.split(";")) {
                String t = p.trim();
                try {
                    if (t.startsWith("url=")) {
                        url = t.substring(4);
                    } else if (t.startsWith("seq=")) {
                        seq = Integer.parseInt(t.substring(4)) & 0xFFFF;
                    } else if (t.startsWith("rtptime=")) {
                        rtptime = Long.parseLong(t.substring(8)) & 0xFFFFFFFFL;
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad RTP-Info");
                }
            }
            if (url == null) {
                throw new IllegalArgumentException("RTP-Info entry without url");
            }
            out.add(new RtpInfo(url, seq, rtptime));
        }
        return out;
    }
}
