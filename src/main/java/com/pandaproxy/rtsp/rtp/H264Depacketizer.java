package com.pandaproxy.rtsp.rtp;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * NAL units back from H.264 RTP payloads (RFC 6184 §5.6-5.8): single NAL unit packets as they
 * are, STAP-A split into its units, FU-A fragments joined (the NAL header rebuilt from the FU
 * indicator and header). Fragments without their start, and malformed aggregates, are dropped.
 */
public final class H264Depacketizer {
    private H264Depacketizer() {
    }

    /** The NAL units the payloads carry, in order; at most {@code maxBytes} in all (the rest is dropped). */
    public static List<byte[]> nalUnits(List<ByteBuf> payloads, int maxBytes) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream fragment = null;
        int total = 0;
        for (ByteBuf p : payloads) {
            int type = H264Packets.packetType(p);
            int r = p.readerIndex();
            int n = p.readableBytes();
            if (type >= 1 && type <= 23) {
                fragment = null;
                total += add(out, p, r, n, maxBytes - total);
            } else if (type == H264Packets.STAP_A) {
                fragment = null;
                int i = r + 1;
                int end = r + n;
                while (i + 2 <= end) {
                    int size = p.getUnsignedShort(i);
                    if (size == 0 || i + 2 + size > end) {
                        break;
                    }
                    total += add(out, p, i + 2, size, maxBytes - total);
                    i += 2 + size;
                }
            } else if (type == H264Packets.FU_A && n >= 2) {
                int fuHeader = p.getByte(r + 1);
                boolean start = (fuHeader & 0x80) != 0;
                boolean end = (fuHeader & 0x40) != 0;
                if (start) {
                    fragment = new ByteArrayOutputStream(n * 8);
                    fragment.write((p.getByte(r) & 0xE0) | (fuHeader & 0x1F));
                }
                if (fragment == null) {
                    continue; // the start was lost
                }
                if (fragment.size() + n - 2 > maxBytes - total) {
                    fragment = null;
                    continue;
                }
                byte[] part = new byte[n - 2];
                p.getBytes(r + 2, part);
                fragment.write(part, 0, part.length);
                if (end) {
                    byte[] nal = fragment.toByteArray();
                    out.add(nal);
                    total += nal.length;
                    fragment = null;
                }
            }
        }
        return out;
    }

    private static int add(List<byte[]> out, ByteBuf p, int index, int length, int room) {
        if (length > room) {
            return 0;
        }
        byte[] nal = new byte[length];
        p.getBytes(index, nal);
        out.add(nal);
        return length;
    }
}
