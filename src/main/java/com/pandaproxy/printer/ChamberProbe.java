package com.pandaproxy.printer;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The chamber-image side of detection: the 80-byte login and the test that the answer starts
 * with a plausible 16-byte frame header. Pure bytes, no sockets.
 */
final class ChamberProbe {
    static final int AUTH_LENGTH = 80;
    static final int HEADER_LENGTH = 16;
    static final int MAX_FRAME = 10 * 1024 * 1024;

    private ChamberProbe() {
    }

    /** u32 LE 0x40, 0x3000, 0, 0, then user and access code, each NUL-padded to 32 bytes. */
    static byte[] authPacket(String user, String accessCode) {
        ByteBuffer b = ByteBuffer.allocate(AUTH_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x40).putInt(0x3000).putInt(0).putInt(0);
        b.put(padded(user)).put(padded(accessCode));
        return b.array();
    }

    private static byte[] padded(String s) {
        byte[] out = new byte[32];
        byte[] in = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(in, 0, out, 0, Math.min(in.length, out.length));
        return out;
    }

    /** A result once 16 bytes are there: a frame header (size 1..10 MB, then 0, 1, 0) means chamber image. */
    static ProbeResult judge(ByteBuf answer) {
        if (answer.readableBytes() < HEADER_LENGTH) {
            return null;
        }
        int i = answer.readerIndex();
        long size = answer.getUnsignedIntLE(i);
        boolean header = size >= 1 && size <= MAX_FRAME
                && answer.getIntLE(i + 4) == 0 && answer.getIntLE(i + 8) == 1 && answer.getIntLE(i + 12) == 0;
        return header ? ProbeResult.found("chamber image") : ProbeResult.mismatch("answered, but not with a chamber-image frame");
    }
}
