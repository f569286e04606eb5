package com.pandaproxy.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * RTP payloads for one H.264 NAL unit (RFC 6184 non-interleaved mode): the NAL unit itself when
 * it fits, else FU-A fragments (§5.8) carrying the NAL header's F/NRI bits and type.
 */
final class H264Packetizer {
    static final int FU_A = 28;

    private H264Packetizer() {
    }

    static List<byte[]> payloads(byte[] nal, int maxPayload) {
        if (nal.length <= maxPayload) {
            return List.of(nal);
        }
        List<byte[]> out = new ArrayList<>();
        byte indicator = (byte) ((nal[0] & 0xE0) | FU_A);
        int type = nal[0] & 0x1F;
        int chunk = maxPayload - 2;
        for (int offset = 1; offset < nal.length; offset += chunk) {
            int len = Math.min(chunk, nal.length - offset);
            byte[] p = new byte[2 + len];
            p[0] = indicator;
            p[1] = (byte) ((offset == 1 ? 0x80 : 0) | (offset + len == nal.length ? 0x40 : 0) | type);
            System.arraycopy(nal, offset, p, 2, len);
            out.add(p);
        }
        return out;
    }
}
