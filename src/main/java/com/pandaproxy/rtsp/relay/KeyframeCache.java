package com.pandaproxy.rtsp.relay;

import com.pandaproxy.fanout.JoinCache;
import com.pandaproxy.printer.H264Keyframe;
import com.pandaproxy.rtsp.rtp.H264Depacketizer;
import com.pandaproxy.rtsp.rtp.H264Packets;
import com.pandaproxy.rtsp.rtp.H264Parameters;
import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The packets since the last keyframe, so a joining client starts decoding at once. Bounded
 * ({@link #MAX_PACKETS}, {@link #MAX_BYTES}): past that it holds nothing until the next keyframe.
 * When the keyframe does not begin with its SPS (the printer gave the parameter sets only in
 * SDP), a STAP-A with the SDP's SPS/PPS is put first, numbered just before the keyframe, so a
 * joining decoder has them in band too. Used only on the relay's event loop.
 */
final class KeyframeCache implements JoinCache<RelayPacket> {
    static final int MAX_PACKETS = 2000;
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private final PacketChunks chunks;
    private final List<RelayPacket> packets = new ArrayList<>();
    private H264Parameters parameters = new H264Parameters(List.of(), List.of());
    private int videoTrack = -1;
    private boolean recording;
    private int bytes;

    KeyframeCache(PacketChunks chunks) {
        this.chunks = chunks;
    }

    /** The H.264 track and its out-of-band parameter sets (from SDP). */
    void video(int track, H264Parameters params) {
        this.videoTrack = track;
        this.parameters = params;
    }

    @Override
    public void record(RelayPacket unit, boolean syncPoint) {
        if (syncPoint) {
            clear();
            recording = true;
            ByteBuf rtp = unit.content();
            if (unit.track() == videoTrack && !parameters.isEmpty() && H264Packets.nalType(Rtp.payload(rtp)) != H264Packets.NAL_SPS) {
                ByteBuf ps = Rtp.build(chunks.alloc(), Rtp.payloadType(rtp), false, (Rtp.sequence(rtp) - 1) & 0xFFFF,
                        Rtp.timestamp(rtp), Rtp.ssrc(rtp), H264Packets.stapA(parameters.all()));
                try {
                    add(chunks.append(unit.track(), ps));
                } finally {
                    ps.release();
                }
            }
        }
        if (!recording) {
            return;
        }
        if (packets.size() >= MAX_PACKETS || bytes + unit.content().readableBytes() > MAX_BYTES) {
            clear();
            return;
        }
        add(unit.retain());
    }

    private void add(RelayPacket p) {
        packets.add(p);
        bytes += p.content().readableBytes();
    }

    /**
     * The cached keyframe's access unit, whole (its last packet, with the marker bit, is here), as
     * NAL units with the parameter sets first; null when there is none or it is not complete yet.
     */
    H264Keyframe keyframe() {
        List<ByteBuf> payloads = new ArrayList<>();
        long timestamp = -1;
        int firstSequence = -1;
        boolean complete = false;
        for (RelayPacket p : packets) {
            ByteBuf rtp = p.content();
            if (p.track() != videoTrack) {
                continue;
            }
            if (timestamp < 0) {
                timestamp = Rtp.timestamp(rtp);
                firstSequence = Rtp.sequence(rtp);
            } else if (Rtp.timestamp(rtp) != timestamp) {
                break;
            }
            payloads.add(Rtp.payload(rtp));
            if (Rtp.marker(rtp)) {
                complete = true;
                break;
            }
        }
        if (!complete) {
            return null;
        }
        List<byte[]> nals = H264Depacketizer.nalUnits(payloads, MAX_BYTES);
        boolean hasSps = nals.stream().anyMatch(n -> (n[0] & 0x1F) == H264Packets.NAL_SPS);
        if (!hasSps && !parameters.isEmpty()) {
            List<byte[]> withParameters = new ArrayList<>(parameters.all());
            withParameters.addAll(nals);
            nals = withParameters;
        }
        return new H264Keyframe((long) firstSequence << 32 | timestamp, nals);
    }

    @Override
    public List<RelayPacket> replay() {
        return Collections.unmodifiableList(packets);
    }

    @Override
    public void clear() {
        packets.forEach(RelayPacket::release);
        packets.clear();
        bytes = 0;
        recording = false;
    }
}
