package com.pandaproxy.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes an {@link InterleavedFrame} as its 4-byte header followed by the payload itself (no copy).
 * The relay uses {@link #header} directly to share one payload buffer between many clients.
 */
@ChannelHandler.Sharable
public final class InterleavedEncoder extends MessageToMessageEncoder<InterleavedFrame> {
    public static final int HEADER_LENGTH = 4;
    public static final int MAX_PAYLOAD = 0xFFFF;

    @Override
    protected void encode(ChannelHandlerContext ctx, InterleavedFrame frame, List<Object> out) {
        ByteBuf payload = frame.content();
        out.add(header(ctx.alloc(), frame.channel(), payload.readableBytes()));
        out.add(payload.retain());
    }

    /** A new 4-byte buffer holding {@code $}, the channel and the payload length. */
    public static ByteBuf header(ByteBufAllocator alloc, int channel, int length) {
        ByteBuf header = alloc.buffer(HEADER_LENGTH, HEADER_LENGTH);
        writeHeader(header, channel, length);
        return header;
    }

    public static void writeHeader(ByteBuf out, int channel, int length) {
        if (channel < 0 || channel > 255) {
            throw new IllegalArgumentException("interleaved channel out of range: " + channel);
        }
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("interleaved payload too long: " + length);
        }
        out.writeByte('$');
        out.writeByte(channel);
        out.writeShort(length);
    }
}
