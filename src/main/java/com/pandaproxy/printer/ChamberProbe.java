package com.pandaproxy.printer;

import com.pandaproxy.chamber.AuthPacket;
import com.pandaproxy.chamber.FrameHeader;
import io.netty.buffer.ByteBuf;

/**
 * The chamber-image side of detection: the 80-byte login (the chamber codec's) and the test that
 * the answer starts with a plausible 16-byte frame header. Pure bytes, no sockets.
 */
final class ChamberProbe {
    private ChamberProbe() {
    }

    static byte[] authPacket(String user, String accessCode) {
        return AuthPacket.encode(user, accessCode);
    }

    /** A result once 16 bytes are there: a frame header (size 1..10 MB, then 0, 1, 0) means chamber image. */
    static ProbeResult judge(ByteBuf answer) {
        if (answer.readableBytes() < FrameHeader.LENGTH) {
            return null;
        }
        int i = answer.readerIndex();
        long size = answer.getUnsignedIntLE(i);
        boolean header = size >= FrameHeader.MIN_SIZE && size <= FrameHeader.MAX_SIZE
                && answer.getIntLE(i + 4) == 0 && answer.getIntLE(i + 8) == 1 && answer.getIntLE(i + 12) == 0;
        return header ? ProbeResult.found("chamber image") : ProbeResult.mismatch("answered, but not with a chamber-image frame");
    }
}
