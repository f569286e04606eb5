package com.pandaproxy.rtsp.rtp;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * H.264 over RTP (RFC 6184): what a payload carries (single NAL unit, STAP-A aggregate, FU-A
 * fragment), whether it begins a keyframe, and payloads carrying SPS/PPS. Payload arguments are
 * RTP payloads ({@link Rtp#payload}); indices are not moved.
 */
public final class H264Packets {
    public static final int NAL_SLICE = 1;
    public static final int NAL_IDR = 5;
    public static final int NAL_SEI = 6;
    public static final int NAL_SPS = 7;
    public static final int NAL_PPS = 8;
    public static final int NAL_AUD = 9;
    public static final int STAP_A = 24;
    public static final int FU_A = 28;

    private H264Packets() {
    }

    /** The packet's NAL unit type field (1-23 single NAL, 24 STAP-A, 28 FU-A, ...), -1 if empty. */
    public static int packetType(ByteBuf payload) {
        return payload.isReadable() ? payload.getByte(payload.readerIndex()) & 0x1F : -1;
    }

    /**
     * The type of the (first) NAL unit carried: itself for a single NAL unit, the first aggregated
     * NAL unit for STAP-A, the fragmented NAL unit for FU-A; -1 if truncated.
     */
    public static int nalType(ByteBuf payload) {
        int type = packetType(payload);
        int r = payload.readerIndex();
        if (type == STAP_A) {
            return payload.readableBytes() >= 4 ? payload.getByte(r + 3) & 0x1F : -1;
        }
        if (type == FU_A) {
            return payload.readableBytes() >= 2 ? payload.getByte(r + 1) & 0x1F : -1;
        }
        return type;
    }

    /** For FU-A: the start bit (first fragment). True for single NAL units and STAP-A too. */
    public static boolean isStart(ByteBuf payload) {
        if (packetType(payload) != FU_A) {
            return payload.isReadable();
        }
        return payload.readableBytes() >= 2 && (payload.getByte(payload.readerIndex() + 1) & 0x80) != 0;
    }

    /** Whether a STAP-A payload aggregates a NAL unit of the given type. False for other packets. */
    public static boolean stapAContains(ByteBuf payload, int nalType) {
        if (packetType(payload) != STAP_A) {
            return false;
        }
        int i = payload.readerIndex() + 1;
        int end = payload.writerIndex();
        while (i + 2 < end) {
            int size = payload.getUnsignedShort(i);
            if (size == 0 || i + 2 + size > end) {
                return false;
            }
            if ((payload.getByte(i + 2) & 0x1F) == nalType) {
                return true;
            }
            i += 2 + size;
        }
        return false;
    }

    /**
     * Whether this packet can begin a keyframe for a decoder that starts here: an IDR (single NAL
     * unit or the first FU-A fragment), an SPS (which precedes the IDR), or a STAP-A holding
     * either.
     */
    public static boolean startsKeyframe(ByteBuf payload) {
        int type = packetType(payload);
        if (type == NAL_IDR || type == NAL_SPS) {
            return true;
        }
        if (type == FU_A) {
            return nalType(payload) == NAL_IDR && isStart(payload);
        }
        if (type == STAP_A) {
            return stapAContains(payload, NAL_SPS) || stapAContains(payload, NAL_IDR);
        }
        return false;
    }

    /** Whether the packet carries (part of) an IDR picture. */
    public static boolean isIdr(ByteBuf payload) {
        return nalType(payload) == NAL_IDR || stapAContains(payload, NAL_IDR);
    }

    /** A STAP-A payload aggregating the NAL units (e.g. SPS and PPS); NRI is the highest of theirs. */
    public static byte[] stapA(List<byte[]> nals) {
        int size = 1;
        int nri = 0;
        for (byte[] nal : nals) {
            if (nal.length == 0 || nal.length > 0xFFFF) {
                throw new IllegalArgumentException("NAL unit size out of range");
            }
            size += 2 + nal.length;
            nri = Math.max(nri, nal[0] & 0x60);
        }
        byte[] out = new byte[size];
        out[0] = (byte) (nri | STAP_A);
        int i = 1;
        for (byte[] nal : nals) {
            out[i++] = (byte) (nal.length >> 8);
            out[i++] = (byte) nal.length;
            System.arraycopy(nal, 0, out, i, nal.length);
            i += nal.length;
        }
        return out;
    }
}
