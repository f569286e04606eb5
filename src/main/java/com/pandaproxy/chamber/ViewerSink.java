package com.pandaproxy.chamber;

import com.pandaproxy.fanout.Sink;
import com.pandaproxy.printer.PictureViewer;
import io.netty.buffer.ByteBuf;

/** A JPEG viewer (the web's MJPEG) as a client of the chamber fan-out: each frame without its 16-byte header. */
final class ViewerSink extends Sink<ByteBuf> {
    private final PictureViewer viewer;

    ViewerSink(PictureViewer viewer) {
        this.viewer = viewer;
    }

    @Override
    protected boolean writable() {
        return viewer.ready();
    }

    @Override
    protected void write(ByteBuf frame) {
        viewer.picture(frame.retainedSlice(frame.readerIndex() + FrameHeader.LENGTH, frame.readableBytes() - FrameHeader.LENGTH));
    }
}
