package com.pandaproxy.chamber;

import com.pandaproxy.fanout.Sink;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.util.concurrent.RejectedExecutionException;

/**
 * One authenticated client of the fan-out. Each frame is written as two slices of the shared
 * buffer (no copy), each followed by a flush: Netty's SslHandler encrypts everything pending
 * at a flush into as few records as it can, so the flush after the 16-byte header is what
 * gives the header a TLS record of its own, as printers do and strict clients need. The
 * {@link HeaderHold} below the TLS handler keeps that first flush from reaching the socket, so
 * the header's record and the JPEG's records still leave in one write.
 */
final class ClientSink extends Sink<ByteBuf> {
    private final Channel channel;
    private final HeaderHold hold = new HeaderHold();

    ClientSink(Channel channel) {
        this.channel = channel;
    }

    /** The handler to put between the TLS handler and the socket. */
    HeaderHold hold() {
        return hold;
    }

    @Override
    protected boolean writable() {
        return channel.isWritable();
    }

    @Override
    protected void write(ByteBuf frame) {
        int start = frame.readerIndex();
        ByteBuf header = frame.retainedSlice(start, FrameHeader.LENGTH);
        ByteBuf jpeg = frame.retainedSlice(start + FrameHeader.LENGTH, frame.readableBytes() - FrameHeader.LENGTH);
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            send(header, jpeg);
            return;
        }
        try {
            loop.execute(() -> send(header, jpeg)); // one task per frame on the client's loop
        } catch (RejectedExecutionException e) {
            header.release();
            jpeg.release();
        }
    }

    private void send(ByteBuf header, ByteBuf jpeg) {
        hold.holding = true;
        channel.write(header, channel.voidPromise());
        channel.flush(); // the header's own TLS record
        hold.holding = false;
        channel.write(jpeg, channel.voidPromise());
        channel.flush();
    }

    /** Swallows flushes while the header's record is being made; writes pass through. */
    static final class HeaderHold extends ChannelOutboundHandlerAdapter {
        private boolean holding;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!holding) {
                ctx.flush();
            }
        }
    }
}
