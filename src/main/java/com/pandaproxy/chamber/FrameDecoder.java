package com.pandaproxy.chamber;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Turns the printer's byte stream into frames: each output is one buffer holding the 16-byte
 * header followed by the JPEG, exactly as received, so the proxy can relay it without copying.
 * A frame whose JPEG markers are wrong is dropped and counted; a size outside 1 B..10 MB, or
 * {@value #MAX_BAD_IN_A_ROW} bad frames in a row, means the stream makes no sense: a
 * {@link ChamberProtocolException} is raised and the connection should be made again.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    static final int MAX_BAD_IN_A_ROW = 3;

    private final Runnable onBadFrame;
    private ByteBuf frame;
    private long badFrames;
    private int badInARow;
    private boolean broken;

    public FrameDecoder() {
        this(() -> { });
    }

    /** @param onBadFrame told of each frame dropped because it was not a JPEG image */
    public FrameDecoder(Runnable onBadFrame) {
        this.onBadFrame = onBadFrame;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes()); // the connection is being dropped: ignore the rest
            return;
        }
        if (frame == null) {
            if (in.readableBytes() < FrameHeader.LENGTH) {
                return;
            }
            int size;
            try {
                size = FrameHeader.jpegSize(in, in.readerIndex());
            } catch (ChamberProtocolException e) {
                broken = true;
                throw e;
            }
            // exact-size buffer: the JPEG lands in it once and is shared from there
            frame = ctx.alloc().buffer(FrameHeader.LENGTH + size, FrameHeader.LENGTH + size);
            in.readBytes(frame, FrameHeader.LENGTH);
        }
        in.readBytes(frame, Math.min(in.readableBytes(), frame.writableBytes()));
        if (frame.isWritable()) {
            return;
        }
        ByteBuf done = frame;
        frame = null;
        if (!FrameHeader.isJpeg(done, FrameHeader.LENGTH, done.readableBytes() - FrameHeader.LENGTH)) {
            done.release();
            badFrames++;
            onBadFrame.run();
            if (++badInARow >= MAX_BAD_IN_A_ROW) {
                broken = true;
                throw new ChamberProtocolException(badInARow + " frames in a row are not JPEG images");
            }
            return;
        }
        badInARow = 0;
        out.add(done);
    }

    /** Frames dropped because they were not JPEG images. */
    public long badFrames() {
        return badFrames;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (frame != null) {
            frame.release();
            frame = null;
        }
    }
}
