package com.pandaproxy.rtsp.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * RTP packet header access (RFC 3550 §5.1) on a {@link ByteBuf} holding one packet from its
 * reader index. Getters never move indices; setters rewrite the fixed header in place.
 */
public final class Rtp {
    public static final int FIXED_HEADER = 12;

    private Rtp() {
    }

    /** Version 2, long enough for its CSRCs, extension and padding. */
    public static boolean isValid(ByteBuf p) {
        int len = p.readableBytes();
        if (len < FIXED_HEADER || version(p) != 2) {
            return false;
        }
        int header = headerLengthUnchecked(p);
        if (header < 0 || header > len) {
            return false;
        }
        if (!padding(p)) {
            return true;
        }
        // RFC 3550 5.1: the payload's last octet counts the padding, itself included; it is never
        // a header octet (a relay rewriting the header would change it)
        int pad = header < len ? p.getUnsignedByte(p.readerIndex() + len - 1) : 0;
        return pad >= 1 && header + pad <= len;
    }

    public static int version(ByteBuf p) {
        return p.getUnsignedByte(p.readerIndex()) >> 6;
    }

    public static boolean padding(ByteBuf p) {
        return (p.getByte(p.readerIndex()) & 0x20) != 0;
    }

    public static boolean extension(ByteBuf p) {
        return (p.getByte(p.readerIndex()) & 0x10) != 0;
    }

    public static int csrcCount(ByteBuf p) {
        return p.getByte(p.readerIndex()) & 0x0F;
    }

    public static boolean marker(ByteBuf p) {
        return (p.getByte(p.readerIndex() + 1) & 0x80) != 0;
    }

    public static int payloadType(ByteBuf p) {
        return p.getByte(p.readerIndex() + 1) & 0x7F;
    }

    public static int sequence(ByteBuf p) {
        return p.getUnsignedShort(p.readerIndex() + 2);
    }

    public static long timestamp(ByteBuf p) {
        return p.getUnsignedInt(p.readerIndex() + 4);
    }

    public static long ssrc(ByteBuf p) {
        return p.getUnsignedInt(p.readerIndex() + 8);
    }

    public static void setSequence(ByteBuf p, int seq) {
        p.setShort(p.readerIndex() + 2, seq);
    }

    public static void setTimestamp(ByteBuf p, long ts) {
        p.setInt(p.readerIndex() + 4, (int) ts);
    }

    public static void setSsrc(ByteBuf p, long ssrc) {
        p.setInt(p.readerIndex() + 8, (int) ssrc);
    }

    /** Rewrites sequence, timestamp and SSRC in place (the proxy's own numbering). */
    public static void rewrite(ByteBuf p, int seq, long ts, long ssrc) {
        setSequence(p, seq);
        setTimestamp(p, ts);
        setSsrc(p, ssrc);
    }

    /** Fixed header + CSRCs + header extension. Call only on a valid packet. */
    public static int headerLength(ByteBuf p) {
        int h = headerLengthUnchecked(p);
        if (h < 0 || h > p.readableBytes()) {
            throw new IllegalArgumentException("truncated RTP header");
        }
        return h;
    }

    /** The payload (without header and padding), a slice sharing the packet's memory. */
    public static ByteBuf payload(ByteBuf p) {
        int header = headerLength(p);
        int len = p.readableBytes();
        int pad = padding(p) ? p.getUnsignedByte(p.readerIndex() + len - 1) : 0;
        return p.slice(p.readerIndex() + header, Math.max(0, len - header - pad));
    }

    /** Builds a packet with a fixed 12-byte header (no CSRC, no extension) and the payload bytes. */
    public static ByteBuf build(ByteBufAllocator alloc, int payloadType, boolean marker, int seq, long ts, long ssrc,
                                byte[] payload) {
        ByteBuf p = alloc.buffer(FIXED_HEADER + payload.length);
        p.writeByte(0x80);
        p.writeByte((marker ? 0x80 : 0) | (payloadType & 0x7F));
        p.writeShort(seq);
        p.writeInt((int) ts);
        p.writeInt((int) ssrc);
        p.writeBytes(payload);
        return p;
    }

    private static int headerLengthUnchecked(ByteBuf p) {
        int len = FIXED_HEADER + 4 * csrcCount(p);
        if (extension(p)) {
            if (p.readableBytes() < len + 4) {
                return -1;
            }
            len += 4 + 4 * p.getUnsignedShort(p.readerIndex() + len + 2);
        }
        return len;
    }
}
