package com.pandaproxy.rtsp.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One RTP packet as every client sees it (already carrying the proxy's SSRC, sequence number and
 * timestamp), for track {@code track} of the stream. One buffer shared by all clients.
 */
public final class RelayPacket extends DefaultByteBufHolder {
    private final int track;

    public RelayPacket(int track, ByteBuf rtp) {
        super(rtp);
        this.track = track;
    }

    public int track() {
        return track;
    }

    @Override
    public RelayPacket replace(ByteBuf content) {
        return new RelayPacket(track, content);
    }

    @Override
    public RelayPacket retain() {
        super.retain();
        return this;
    }
}
