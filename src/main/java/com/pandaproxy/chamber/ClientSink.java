package com.pandaproxy.chamber;

import com.pandaproxy.fanout.Sink;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One authenticated client of the fan-out. Each frame is written as two slices of the shared
 * buffer (no copy), each followed by a flush: Netty's SslHandler encrypts everything pending
 * at a flush into as few records as it can, so the flush after the 16-byte header is what
 * gives the header a TLS record of its own, as printers do and strict clients need.
 */
final class ClientSink extends Sink<ByteBuf> {
    private final Channel channel;

    ClientSink(Channel channel) {
        this.channel = channel;
    }

    @Override
    protected boolean writable() {
        return channel.isWritable();
    }

    @Override
    protected void write(ByteBuf frame) {
        int length = frame.readableBytes();
        int start = frame.readerIndex();
        channel.write(frame.retainedSlice(start, FrameHeader.LENGTH), channel.voidPromise());
        channel.flush();
        channel.write(frame.retainedSlice(start + FrameHeader.LENGTH, length - FrameHeader.LENGTH), channel.voidPromise());
        channel.flush();
    }
}
