package com.pandaproxy.rtsp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One transport specification of an RTSP {@code Transport} header (RFC 2326 §12.39), e.g.
 * {@code RTP/AVP/TCP;unicast;interleaved=0-1} or {@code RTP/AVP;unicast;client_port=5000-5001}.
 * Parameters keep their order; unknown ones are kept as written.
 *
 * @param protocol "RTP/AVP", "RTP/AVP/TCP" or "RTP/AVP/UDP" (upper case)
 * @param params   parameter name (lower case) → value ("" for flags such as unicast)
 */
public record Transport(String protocol, Map<String, String> params) {
    public static final int MAX_SPECS = 16;

    public Transport {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** Parses a header value: a comma-separated list of alternatives. @throws IllegalArgumentException */
    public static List<Transport> parseList(String header) {
        List<Transport> out = new ArrayList<>();
        for (String spec : header.split(",")) {
            if (!spec.isBlank()) {
                if (out.size() == MAX_SPECS) {
                    throw new IllegalArgumentException("too many transports");
                }
                out.add(parse(spec));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty Transport header");
        }
        return out;
    }

    /**
     * A client's offers in a {@code Transport} header, in order, leaving out specifications that
     * cannot be parsed (a server cannot serve those, but may serve the others); at most
     * {@link #MAX_SPECS} are looked at.
     */
    public static List<Transport> parseOffers(String header) {
        List<Transport> out = new ArrayList<>();
        String[] specs = header.split(",", MAX_SPECS + 1);
        for (int i = 0; i < Math.min(specs.length, MAX_SPECS); i++) {
            try {
                out.add(parse(specs[i]));
            } catch (IllegalArgumentException ignored) {
                // another profile (RTP/SAVP is parsed; RAW/RAW/UDP is not) or nonsense: not ours to serve
            }
        }
        return out;
    }

    public static Transport parse(String spec) {
        String[] parts = spec.trim().split(";", -1); // ";" alone: one empty part, not none
        String protocol = parts[0].trim().toUpperCase(Locale.ROOT);
        if (!protocol.startsWith("RTP/")) {
            throw new IllegalArgumentException("unsupported transport protocol");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            Parameters.add(params, parts[i]);
        }
        return new Transport(protocol, params);
    }

    public static Transport tcpInterleaved(int rtpChannel, int rtcpChannel) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("unicast", "");
        p.put("interleaved", rtpChannel + "-" + rtcpChannel);
        return new Transport("RTP/AVP/TCP", p);
    }

    public static Transport udpUnicast(int clientRtp, int clientRtcp) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("unicast", "");
        p.put("client_port", clientRtp + "-" + clientRtcp);
        return new Transport("RTP/AVP", p);
    }

    /** Plain RTP/AVP over UDP or TCP, not another profile (SAVP, AVPF, SAVPF). */
    public boolean isAvp() {
        return protocol.equals("RTP/AVP") || protocol.equals("RTP/AVP/UDP") || protocol.equals("RTP/AVP/TCP");
    }

    /** RTP over the RTSP TCP connection. */
    public boolean isTcp() {
        return protocol.endsWith("/TCP");
    }

    /** Multicast was asked for (explicitly, or by a multicast destination). */
    public boolean isMulticast() {
        return params.containsKey("multicast");
    }

    /** {@code interleaved=n-m} as [n, m] (m = n+1 if only n given), or null. */
    public int[] interleaved() {
        return range("interleaved", 255);
    }

    /** {@code client_port=a-b} as [a, b] (b = a+1 if only a given), or null. */
    public int[] clientPort() {
        return range("client_port", 65535);
    }

    /** {@code server_port=a-b} as [a, b], or null. */
    public int[] serverPort() {
        return range("server_port", 65535);
    }

    public String param(String name) {
        return params.get(name);
    }

    /** A copy with the parameter set (replacing an existing one in place, or appended). */
    public Transport with(String name, String value) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put(name.toLowerCase(Locale.ROOT), value);
        return new Transport(protocol, p);
    }

    public Transport without(String name) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.remove(name.toLowerCase(Locale.ROOT));
        return new Transport(protocol, p);
    }

    public String format() {
        StringBuilder sb = new StringBuilder(protocol);
        params.forEach((k, v) -> {
            sb.append(';').append(k);
            if (!v.isEmpty()) {
                sb.append('=').append(v);
            }
        });
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    private int[] range(String name, int max) {
        String v = params.get(name);
        if (v == null) {
            return null;
        }
        try {
            int dash = v.indexOf('-');
            int a = Integer.parseInt((dash < 0 ? v : v.substring(0, dash)).trim());
            int b = dash < 0 ? a + 1 : Integer.parseInt(v.substring(dash + 1).trim());
            if (a < 0 || b < 0 || a > max || b > max) {
                throw new IllegalArgumentException("bad " + name);
            }
            return new int[] {a, b};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + name);
        }
    }
}
