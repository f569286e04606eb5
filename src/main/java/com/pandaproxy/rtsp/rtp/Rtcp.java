package com.pandaproxy.rtsp.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/** RTCP (RFC 3550 §6): packet types of a compound packet, sender reports built and read. */
public final class Rtcp {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int APP = 204;

    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
    private static final long NTP_EPOCH_OFFSET = 2_208_988_800L;

    private Rtcp() {
    }

    /** The packet types of a compound RTCP packet, in order. @throws IllegalArgumentException if malformed */
    public static List<Integer> packetTypes(ByteBuf p) {
        List<Integer> types = new ArrayList<>(2);
        int i = p.readerIndex();
        int end = p.writerIndex();
        while (i < end) {
            if (end - i < 4 || (p.getUnsignedByte(i) >> 6) != 2) {
                throw new IllegalArgumentException("malformed RTCP packet");
            }
            int type = p.getUnsignedByte(i + 1);
            int len = (p.getUnsignedShort(i + 2) + 1) * 4;
            if (i + len > end || types.size() == 32) {
                throw new IllegalArgumentException("malformed RTCP packet");
            }
            types.add(type);
            i += len;
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException("empty RTCP packet");
        }
        return types;
    }

    /** Type of the first packet, or -1 if it does not look like RTCP. */
    public static int firstType(ByteBuf p) {
        if (p.readableBytes() < 4 || (p.getUnsignedByte(p.readerIndex()) >> 6) != 2) {
            return -1;
        }
        return p.getUnsignedByte(p.readerIndex() + 1);
    }

    /** A 64-bit NTP timestamp (32.32 fixed point) for a wall-clock time in milliseconds since 1970. */
    public static long ntp(long epochMillis) {
        long seconds = epochMillis / 1000 + NTP_EPOCH_OFFSET;
        long fraction = ((epochMillis % 1000) << 32) / 1000;
        return (seconds << 32) | fraction;
    }

    /** Milliseconds since 1970 of a 64-bit NTP timestamp. */
    public static long epochMillis(long ntp) {
        long seconds = (ntp >>> 32) - NTP_EPOCH_OFFSET;
        long millis = ((ntp & 0xFFFFFFFFL) * 1000) >>> 32;
        return seconds * 1000 + millis;
    }

    /** A sender report without report blocks (28 bytes). */
    public static ByteBuf senderReport(ByteBufAllocator alloc, long ssrc, long ntp, long rtpTimestamp,
                                       long packetCount, long octetCount) {
        ByteBuf b = alloc.buffer(28, 28);
        b.writeByte(0x80);          // V=2, P=0, RC=0
        b.writeByte(SR);
        b.writeShort(6);            // length in 32-bit words minus one
        b.writeInt((int) ssrc);
        b.writeLong(ntp);
        b.writeInt((int) rtpTimestamp);
        b.writeInt((int) packetCount);
        b.writeInt((int) octetCount);
        return b;
    }

    /** The sender info of a compound packet's first SR, or null if it does not start with one. */
    public static SenderInfo senderInfo(ByteBuf p) {
        if (firstType(p) != SR || p.readableBytes() < 28) {
            return null;
        }
        int i = p.readerIndex();
        return new SenderInfo(p.getUnsignedInt(i + 4), p.getLong(i + 8), p.getUnsignedInt(i + 16),
                p.getUnsignedInt(i + 20), p.getUnsignedInt(i + 24));
    }

    /** The sender info block of an SR. */
    public record SenderInfo(long ssrc, long ntp, long rtpTimestamp, long packetCount, long octetCount) {
    }
}
