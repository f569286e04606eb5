package com.pandaproxy.rtsp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A session description (RFC 4566): the session-level lines and one {@link SdpMedia} per
 * {@code m=} section. Immutable; lines keep their order so that writing back what was parsed
 * changes nothing but line endings. Parsing rejects rather than guesses.
 */
public final class Sdp {
    public static final int MAX_LINES = 1000;

    private final List<SdpLine> session;
    private final List<SdpMedia> media;

    public Sdp(List<SdpLine> session, List<SdpMedia> media) {
        this.session = List.copyOf(session);
        this.media = List.copyOf(media);
    }

    /** Parses SDP text (CRLF or LF line endings). @throws IllegalArgumentException if malformed */
    public static Sdp parse(String text) {
        String[] raw = text.split("\r?\n", -1);
        List<SdpLine> session = new ArrayList<>();
        List<SdpMedia> media = new ArrayList<>();
        String mediaLine = null;
        List<SdpLine> mediaLines = null;
        int count = 0;
        for (String line : raw) {
            if (line.isEmpty()) {
                continue;
            }
            if (++count > MAX_LINES) {
                throw new IllegalArgumentException("SDP has more than " + MAX_LINES + " lines");
            }
            SdpLine parsed = SdpLine.parse(line);
            if (parsed.type() == 'm') {
                if (mediaLine != null) {
                    media.add(SdpMedia.parse(mediaLine, mediaLines));
                }
                mediaLine = parsed.value();
                mediaLines = new ArrayList<>();
            } else if (mediaLine != null) {
                mediaLines.add(parsed);
            } else {
                session.add(parsed);
            }
        }
        if (mediaLine != null) {
            media.add(SdpMedia.parse(mediaLine, mediaLines));
        }
        if (session.isEmpty() || session.get(0).type() != 'v') {
            throw new IllegalArgumentException("SDP does not start with v=");
        }
        return new Sdp(session, media);
    }

    public List<SdpLine> sessionLines() {
        return session;
    }

    public List<SdpMedia> media() {
        return media;
    }

    /** First session-level attribute value ({@code a=name:value}; "" for a flag), if present. */
    public Optional<String> attribute(String name) {
        return SdpLine.attribute(session, name);
    }

    /** Session-level {@code a=control}, if any. */
    public Optional<String> control() {
        return attribute("control");
    }

    /** A copy with the session-level attribute set (all earlier ones of that name removed). */
    public Sdp withAttribute(String name, String value) {
        return new Sdp(SdpLine.withAttribute(session, name, value), media);
    }

    /** A copy with the first session line of {@code type} replaced (or added after v=). */
    public Sdp withLine(char type, String value) {
        List<SdpLine> lines = new ArrayList<>(session);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).type() == type) {
                lines.set(i, new SdpLine(type, value));
                return new Sdp(lines, media);
            }
        }
        lines.add(Math.min(1, lines.size()), new SdpLine(type, value));
        return new Sdp(lines, media);
    }

    public Sdp withMedia(List<SdpMedia> newMedia) {
        return new Sdp(session, newMedia);
    }

    /** The SDP text with CRLF line endings. */
    public String format() {
        StringBuilder sb = new StringBuilder(512);
        for (SdpLine l : session) {
            sb.append(l).append("\r\n");
        }
        for (SdpMedia m : media) {
            m.appendTo(sb);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
