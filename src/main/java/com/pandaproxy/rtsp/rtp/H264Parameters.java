package com.pandaproxy.rtsp.rtp;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The H.264 parameter sets given out of band in SDP ({@code sprop-parameter-sets}, RFC 6184 §8.1):
 * the SPS and PPS NAL units a decoder needs before the first IDR.
 */
public record H264Parameters(List<byte[]> sps, List<byte[]> pps) {
    public H264Parameters {
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
    }

    /** From an fmtp map (see {@code SdpMedia.fmtp}); empty lists when none or undecodable. */
    public static H264Parameters fromFmtp(Map<String, String> fmtp) {
        String sprop = fmtp.get("sprop-parameter-sets");
        return sprop == null ? new H264Parameters(List.of(), List.of()) : parse(sprop);
    }

    /** Decodes "Z2QAKKzZ...,aOvjyyLA" (comma-separated base64 NAL units). */
    public static H264Parameters parse(String spropParameterSets) {
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (String b64 : spropParameterSets.split(",")) {
            String t = b64.trim();
            if (t.isEmpty()) {
                continue;
            }
            byte[] nal;
            try {
                nal = Base64.getDecoder().decode(t);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (nal.length == 0) {
                continue;
            }
            int type = nal[0] & 0x1F;
            if (type == H264Packets.NAL_SPS) {
                sps.add(nal);
            } else if (type == H264Packets.NAL_PPS) {
                pps.add(nal);
            }
        }
        return new H264Parameters(sps, pps);
    }

    public boolean isEmpty() {
        return sps.isEmpty() || pps.isEmpty();
    }

    /** SPS then PPS, the order a decoder needs them. */
    public List<byte[]> all() {
        List<byte[]> all = new ArrayList<>(sps);
        all.addAll(pps);
        return all;
    }

    /** The sprop-parameter-sets value. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (byte[] nal : all()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(Base64.getEncoder().encodeToString(nal));
        }
        return sb.toString();
    }
}
