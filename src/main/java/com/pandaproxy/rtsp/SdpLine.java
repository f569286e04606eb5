package com.pandaproxy.rtsp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One SDP line, {@code <type>=<value>}. */
public record SdpLine(char type, String value) {
    public static final int MAX_LENGTH = 4096;

    public static SdpLine parse(String line) {
        if (line.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("SDP line too long");
        }
        if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
            throw new IllegalArgumentException("malformed SDP line: " + abbreviate(line));
        }
        return new SdpLine(line.charAt(0), line.substring(2).strip());
    }

    /** For {@code a=} lines: the attribute name (before the first ':'). */
    public String attributeName() {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** For {@code a=} lines: the attribute value (after the first ':'), "" for a flag. */
    public String attributeValue() {
        int colon = value.indexOf(':');
        return colon < 0 ? "" : value.substring(colon + 1).strip();
    }

    public boolean isAttribute(String name) {
        return type == 'a' && attributeName().equalsIgnoreCase(name);
    }

    @Override
    public String toString() {
        return type + "=" + value;
    }

    static Optional<String> attribute(List<SdpLine> lines, String name) {
        for (SdpLine l : lines) {
            if (l.isAttribute(name)) {
                return Optional.of(l.attributeValue());
            }
        }
        return Optional.empty();
    }

    static List<SdpLine> withAttribute(List<SdpLine> lines, String name, String value) {
        List<SdpLine> out = new ArrayList<>(lines.size() + 1);
        for (SdpLine l : lines) {
            if (!l.isAttribute(name)) {
                out.add(l);
            }
        }
        out.add(new SdpLine('a', value == null || value.isEmpty() ? name : name + ":" + value));
        return out;
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }
}
