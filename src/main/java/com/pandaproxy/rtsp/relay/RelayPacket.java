package com.pandaproxy.rtsp.relay;

import com.pandaproxy.rtsp.InterleavedEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One RTP packet as every client sees it (already carrying the proxy's SSRC, sequence number and
 * timestamp), for track {@code track} of the stream. One buffer shared by all clients.
 * A packet from the relay is also framed: {@link #chunk()} holds it as a whole interleaved frame
 * on the track's {@link #usualChannel}, so TCP clients send consecutive packets as one slice.
 */
public final class RelayPacket extends DefaultByteBufHolder {
    /** The highest track whose usual RTP channel fits the interleaved header's byte. */
    public static final int MAX_TRACK = 127;

    private final int track;
    private final ByteBuf chunk;
    private final int frameOffset;

    /** A packet that is not framed in a chunk (clients add a header of their own). */
    public RelayPacket(int track, ByteBuf rtp) {
        this(track, rtp, null, -1);
    }

    RelayPacket(int track, ByteBuf rtp, ByteBuf chunk, int frameOffset) {
        super(rtp);
        this.track = track;
        this.chunk = chunk;
        this.frameOffset = frameOffset;
    }

    /** The interleaved RTP channel most clients choose for a track (RTCP on the next one). */
    public static int usualChannel(int track) {
        return 2 * track;
    }

    public int track() {
        return track;
    }

    /**
     * The shared buffer holding this packet as an interleaved frame on {@link #usualChannel} at
     * {@link #frameOffset()}, or null if not framed. Not retained: valid while this packet is.
     */
    public ByteBuf chunk() {
        return chunk;
    }

    /** Where this packet's frame ({@code $} first) starts in {@link #chunk()}. */
    public int frameOffset() {
        return frameOffset;
    }

    /** Header and packet. */
    public int frameLength() {
        return InterleavedEncoder.HEADER_LENGTH + content().readableBytes();
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
