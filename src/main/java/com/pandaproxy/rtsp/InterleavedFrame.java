package com.pandaproxy.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One interleaved binary frame of RTSP over TCP (RFC 2326 §10.12): {@code $}, a channel number,
 * a 16-bit length, then an RTP or RTCP packet. Reference-counted: whoever receives it releases it.
 */
public final class InterleavedFrame extends DefaultByteBufHolder {
    private final int channel;

    public InterleavedFrame(int channel, ByteBuf payload) {
        super(payload);
        if (channel < 0 || channel > 255) {
            throw new IllegalArgumentException("interleaved channel out of range: " + channel);
        }
        this.channel = channel;
    }

    /** The channel number (0-255); by convention even channels carry RTP, odd ones RTCP. */
    public int channel() {
        return channel;
    }

    @Override
    public InterleavedFrame replace(ByteBuf content) {
        return new InterleavedFrame(channel, content);
    }

    @Override
    public InterleavedFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public String toString() {
        return "InterleavedFrame(channel=" + channel + ", " + content().readableBytes() + " bytes)";
    }
}
