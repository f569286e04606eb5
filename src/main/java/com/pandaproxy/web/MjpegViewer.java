package com.pandaproxy.web;

import com.pandaproxy.printer.PictureViewer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;

/**
 * One /stream.mjpeg viewer: each picture as one part of a {@code multipart/x-mixed-replace}
 * response, the JPEG itself a slice of the shared buffer (no copy). It is a client of the
 * camera's fan-out like the others: a viewer whose backlog is full (channel not writable) skips
 * pictures, never slows the rest. The first picture goes out twice, because a browser shows a
 * part only when the next one begins. An {@code fps} limit skips pictures that come too soon.
 */
final class MjpegViewer implements PictureViewer {
    static final String BOUNDARY = "pandaproxy-frame";
    static final String CONTENT_TYPE = "multipart/x-mixed-replace; boundary=" + BOUNDARY;
    private static final ByteBuf CRLF = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer("\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnly());

    private final Channel channel;
    private final long minIntervalNanos;
    private volatile long nextDueNanos;
    private boolean started; // on the channel's loop
    private volatile long sent;

    /** @param fps at most this many pictures a second, 0 for all */
    MjpegViewer(Channel channel, int fps) {
        this.channel = channel;
        // a little early is on time: pictures arrive with jitter, and 15 fps asked of 15 fps should be 15
        this.minIntervalNanos = fps <= 0 ? 0 : 1_000_000_000L * 9 / (10L * fps);
        this.nextDueNanos = System.nanoTime(); // the first picture is due now (nanoTime may be negative)
    }

    @Override
    public boolean ready() {
        return channel.isWritable() && (minIntervalNanos == 0 || System.nanoTime() - nextDueNanos >= 0);
    }

    @Override
    public void picture(ByteBuf jpeg) {
        if (minIntervalNanos > 0) {
            nextDueNanos = System.nanoTime() + minIntervalNanos;
        }
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            send(jpeg);
            return;
        }
        try {
            loop.execute(() -> send(jpeg));
        } catch (RejectedExecutionException e) {
            jpeg.release();
        }
    }

    private void send(ByteBuf jpeg) {
        if (!channel.isActive()) {
            jpeg.release();
            return;
        }
        if (!started) {
            started = true;
            part(jpeg.retainedDuplicate());
        }
        part(jpeg);
        channel.flush();
    }

    private void part(ByteBuf jpeg) {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.readableBytes() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        channel.write(Unpooled.wrappedBuffer(head), channel.voidPromise());
        channel.write(jpeg, channel.voidPromise());
        channel.write(CRLF.duplicate(), channel.voidPromise());
        sent++;
    }

    /** Parts written so far. */
    long sent() {
        return sent;
    }
}
