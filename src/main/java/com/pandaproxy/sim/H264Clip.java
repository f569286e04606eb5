package com.pandaproxy.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The simulator's looped H.264 clip (by default src/main/resources/sim/testclip.h264, see the
 * README there; tests and benchmarks may give another): an Annex B byte stream cut into access units. The clip has one slice per picture, so each
 * access unit is the non-VCL NAL units (SPS, PPS, SEI) before a slice plus that slice.
 */
public final class H264Clip {
    static final String RESOURCE = "/sim/testclip.h264";
    /** The built-in clip's frame rate (testsrc2 rate=15). */
    static final int FPS = 15;
    static final int NAL_IDR = 5;
    static final int NAL_SPS = 7;
    static final int NAL_PPS = 8;

    /** One picture: its NAL units without start codes, in order. */
    record Frame(List<byte[]> nals, boolean idr) {
    }

    private final List<Frame> frames;
    private final byte[] sps;
    private final byte[] pps;
    private final int fps;

    private H264Clip(List<Frame> frames, byte[] sps, byte[] pps, int fps) {
        this.frames = frames;
        this.sps = sps;
        this.pps = pps;
        this.fps = fps;
    }

    /** The built-in clip. */
    static H264Clip load() {
        try (InputStream in = H264Clip.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static H264Clip parse(byte[] annexB) {
        return parse(annexB, FPS);
    }

    /**
     * Cuts an Annex B stream played at {@code fps} into access units; the first must be an IDR
     * preceded by SPS and PPS.
     */
    static H264Clip parse(byte[] annexB, int fps) {
        if (fps < 1 || fps > 120) {
            throw new IllegalArgumentException("frame rate out of range: " + fps);
        }
        List<Frame> frames = new ArrayList<>();
        List<byte[]> pending = new ArrayList<>();
        byte[] sps = null;
        byte[] pps = null;
        for (byte[] nal : nalUnits(annexB)) {
            int type = nal[0] & 0x1F;
            if (type == NAL_SPS && sps == null) {
                sps = nal;
            } else if (type == NAL_PPS && pps == null) {
                pps = nal;
            }
            pending.add(nal);
            if (type == 1 || type == NAL_IDR) {
                frames.add(new Frame(List.copyOf(pending), type == NAL_IDR));
                pending.clear();
            }
        }
        if (frames.isEmpty() || !frames.get(0).idr() || sps == null || pps == null) {
            throw new IllegalArgumentException("clip must start with SPS, PPS and an IDR picture");
        }
        return new H264Clip(List.copyOf(frames), sps, pps, fps);
    }

    /** NAL units between 3- or 4-byte start codes (trailing zero bytes belong to the next start code). */
    public static List<byte[]> nalUnits(byte[] s) {
        List<byte[]> nals = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < s.length) {
            if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) {
                if (start >= 0) {
                    nals.add(trimmed(s, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < s.length) {
            nals.add(trimmed(s, start, s.length));
        }
        nals.removeIf(n -> n.length == 0);
        return nals;
    }

    private static byte[] trimmed(byte[] s, int from, int to) {
        while (to > from && s[to - 1] == 0) {
            to--;
        }
        return Arrays.copyOfRange(s, from, to);
    }

    List<Frame> frames() {
        return frames;
    }

    /** Frames per second: the simulator paces frames by it. */
    int fps() {
        return fps;
    }

    /** SDP fmtp sprop-parameter-sets (RFC 6184 §8.1): base64 SPS, base64 PPS. */
    String spropParameterSets() {
        Base64.Encoder b64 = Base64.getEncoder();
        return b64.encodeToString(sps) + "," + b64.encodeToString(pps);
    }

    /** SDP fmtp profile-level-id: the three bytes after the SPS NAL header, in hex. */
    String profileLevelId() {
        return HexFormat.of().withUpperCase().formatHex(sps, 1, 4);
    }
}
