package com.pandaproxy.printer;

import java.util.List;

/**
 * The latest H.264 keyframe of an RTSP camera, whole: what a decoder needs to make a picture.
 *
 * @param id   tells keyframes apart (a new one has another id), e.g. from its RTP numbering
 * @param nals its NAL units in decoding order, without start codes: SPS, PPS, then the IDR slices
 */
public record H264Keyframe(long id, List<byte[]> nals) {
    public H264Keyframe {
        nals = List.copyOf(nals);
    }
}
