package com.pandaproxy.rtsp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One {@code m=} section of an SDP: media type, port, protocol, payload types and its lines. */
public final class SdpMedia {
    private final String type;
    private final int port;
    private final String protocol;
    private final List<String> formats;
    private final List<SdpLine> lines;

    public SdpMedia(String type, int port, String protocol, List<String> formats, List<SdpLine> lines) {
        this.type = type;
        this.port = port;
        this.protocol = protocol;
        this.formats = List.copyOf(formats);
        this.lines = List.copyOf(lines);
    }

    /** Parses the value of an {@code m=} line ("video 0 RTP/AVP 96") and the lines under it. */
    public static SdpMedia parse(String mLine, List<SdpLine> lines) {
        String[] parts = mLine.trim().split("\\s+");
        if (parts.length < 4) {
            throw new IllegalArgumentException("malformed SDP m= line");
        }
        int port;
        try {
            String p = parts[1];
            int slash = p.indexOf('/');
            port = Integer.parseInt(slash < 0 ? p : p.substring(0, slash));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed SDP m= port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("malformed SDP m= port");
        }
        List<String> formats = List.of(parts).subList(3, parts.length);
        for (SdpLine l : lines) {
            if (l.isAttribute("rtpmap")) {
                Rtpmap.parse(l.attributeValue()); // refused here, not later where the relay reads the clock rate
            }
        }
        return new SdpMedia(parts[0], port, parts[2], formats, lines);
    }

    public String type() {
        return type;
    }

    public int port() {
        return port;
    }

    public String protocol() {
        return protocol;
    }

    /** The format list: RTP payload type numbers as strings. */
    public List<String> formats() {
        return formats;
    }

    public List<SdpLine> lines() {
        return lines;
    }

    /** The first payload type, or -1 if the first format is not a number. */
    public int payloadType() {
        try {
            return Integer.parseInt(formats.get(0));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public Optional<String> attribute(String name) {
        return SdpLine.attribute(lines, name);
    }

    /** Media-level {@code a=control}, as written (resolve it with {@link RtspUrls#resolve}). */
    public Optional<String> control() {
        return attribute("control");
    }

    /** The {@code a=rtpmap} for a payload type. */
    public Optional<Rtpmap> rtpmap(int payloadType) {
        for (SdpLine l : lines) {
            if (l.isAttribute("rtpmap")) {
                Rtpmap map = Rtpmap.parse(l.attributeValue());
                if (map.payloadType() == payloadType) {
                    return Optional.of(map);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code a=fmtp} parameters for a payload type, keys in lower case, in order
     * ("packetization-mode=1;profile-level-id=640028;sprop-parameter-sets=Z2Q...,aO4...").
     */
    public Map<String, String> fmtp(int payloadType) {
        Map<String, String> params = new LinkedHashMap<>();
        for (SdpLine l : lines) {
            if (!l.isAttribute("fmtp")) {
                continue;
            }
            String v = l.attributeValue();
            int space = v.indexOf(' ');
            String pt = space < 0 ? v : v.substring(0, space);
            if (!pt.equals(Integer.toString(payloadType)) || space < 0) {
                continue;
            }
            for (String param : v.substring(space + 1).split(";")) {
                Parameters.add(params, param);
            }
        }
        return params;
    }

    /** The clock rate of the first payload type: from rtpmap, else the static RTP/AVP table, else 90000. */
    public int clockRate() {
        int pt = payloadType();
        return rtpmap(pt).map(Rtpmap::clockRate).orElseGet(() -> pt == 0 || pt == 8 ? 8000 : 90000);
    }

    /** Whether this section carries H.264 (RFC 6184) on its first payload type. */
    public boolean isH264() {
        return rtpmap(payloadType()).map(m -> m.encoding().equalsIgnoreCase("H264")).orElse(false);
    }

    /** A copy with the attribute set (earlier ones of that name removed). */
    public SdpMedia withAttribute(String name, String value) {
        return new SdpMedia(type, port, protocol, formats, SdpLine.withAttribute(lines, name, value));
    }

    /** A copy with another port on the m= line (0 is usual for RTSP). */
    public SdpMedia withPort(int newPort) {
        return new SdpMedia(type, newPort, protocol, formats, lines);
    }

    void appendTo(StringBuilder sb) {
        sb.append("m=").append(type).append(' ').append(port).append(' ').append(protocol);
        for (String f : formats) {
            sb.append(' ').append(f);
        }
        sb.append("\r\n");
        for (SdpLine l : lines) {
            sb.append(l).append("\r\n");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb);
        return sb.toString();
    }

    /** {@code a=rtpmap:<pt> <encoding>/<clock rate>[/<parameters>]}. */
    public record Rtpmap(int payloadType, String encoding, int clockRate, String parameters) {
        public static Rtpmap parse(String value) {
            try {
                String[] ptRest = value.trim().split("\\s+", 2);
                String[] parts = ptRest[1].split("/");
                int clockRate = Integer.parseInt(parts[1].trim());
                if (clockRate <= 0) {
                    throw new IllegalArgumentException("clock rate");
                }
                return new Rtpmap(Integer.parseInt(ptRest[0]), parts[0], clockRate, parts.length > 2 ? parts[2] : "");
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("malformed a=rtpmap");
            }
        }
    }
}
