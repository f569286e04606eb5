package com.pandaproxy.chamber;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.Probe;
import com.pandaproxy.printer.ProbeResult;
import io.netty.buffer.ByteBuf;

/**
 * The chamber-image side of detection: the 80-byte login, and the test that the answer starts with
 * a plausible 16-byte frame header. Pure bytes, no sockets.
 */
public final class ChamberProbe {
    /** A hang-up right after the login means the access code was rejected. */
    public static final Probe PROBE = new Probe(PrinterAddress::chamberPort,
            p -> AuthPacket.encode(Bambu.USER, p.accessCode().reveal()), ChamberProbe::judge, ProbeResult.rejected("hung up after the login"));

    private ChamberProbe() {
    }

    /** A result once 16 bytes are there: a frame header (size 1..10 MB, then 0, 1, 0) means chamber image. */
    public static ProbeResult judge(ByteBuf answer) {
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
