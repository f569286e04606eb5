package com.pandaproxy.rtsp;

import com.pandaproxy.net.HostPort;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.Probe;
import com.pandaproxy.printer.ProbeResult;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The RTSP side of detection: an OPTIONS request and the test for an RTSP status line. Pure bytes. */
public final class RtspProbe {
    public static final Probe PROBE = new Probe(PrinterAddress::rtspPort, p -> options(p.host(), p.rtspPort()),
            RtspProbe::judge, ProbeResult.mismatch("closed the connection without answering"));
    private static final Pattern STATUS = Pattern.compile("RTSP/1\\.0 (\\d{3})(?: .*)?");
    private static final byte[] PREFIX = "RTSP/".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LINE = 256;

    private RtspProbe() {
    }

    public static byte[] options(String host, int port) {
        return ("OPTIONS rtsps://" + HostPort.of(host, port) + Bambu.STREAM_PATH + " RTSP/1.0\r\n"
                + "CSeq: 1\r\n"
                + "User-Agent: PandaProxy\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A result once the first line is there (or the answer cannot be RTSP): a status line means RTSP. */
    public static ProbeResult judge(ByteBuf answer) {
        int n = answer.readableBytes();
        int start = answer.readerIndex();
        for (int i = 0; i < Math.min(n, PREFIX.length); i++) {
            if (answer.getByte(start + i) != PREFIX[i]) {
                return ProbeResult.mismatch("answered, but not with RTSP");
            }
        }
        int eol = answer.indexOf(start, start + Math.min(n, MAX_LINE), (byte) '\n');
        if (eol < 0) {
            return n >= MAX_LINE ? ProbeResult.mismatch("answered, but not with RTSP") : null;
        }
        String line = answer.toString(start, eol - start, StandardCharsets.US_ASCII).strip();
        var m = STATUS.matcher(line);
        return m.matches() ? ProbeResult.found("RTSP " + m.group(1)) : ProbeResult.mismatch("answered, but not with RTSP");
    }
}
