package com.pandaproxy.rtsp.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One UDP viewer's way out through the server's shared RTP socket ({@link UdpTransport}), with its
 * own backlog: what this viewer decides its drops, never what is queued for the others.
 *
 * <p>The backlog is what is waiting for this viewer: datagrams held back by pacing, plus those
 * handed to the shared channel that the kernel has not taken yet (a saturated link). The join
 * replay (the cached GOP, up to megabytes) does not count while it waits its turn: it is sent
 * {@linkplain #sendPaced paced}, spread over at most {@link #PACE_WINDOW_MILLIS} ms, so neither the
 * joiner's receive buffer nor the link takes it as one burst, and live packets queue behind it.
 * From the high water mark on, the viewer counts as slow (the relay then drops its packets up to
 * its next keyframe) until the backlog is back under the low one: the same marks, and the same
 * rule, as for a TCP client's connection ({@link RtspServer#WATER_MARK}).
 *
 * <p>MediaMTX (gortsplib) and gst-rtsp-server also share one socket pair among UDP readers;
 * MediaMTX gives each reader its own bounded queue, as here; gst-rtsp-server sends a shared media
 * to every UDP client at once from a blocking socket, and has no GOP to replay to a joiner.
 *
 * <p>Used on the shared channel's event loop only (the relay's).
 */
final class UdpSender {
    /** The join replay reaches the viewer within this time (when the event loop keeps time). */
    static final long PACE_WINDOW_MILLIS = 200;
    static final long TICK_MILLIS = 5;
    /**
     * Least pacing rate, 8 KiB a tick (1.6 MB/s, three times a 4 Mbit/s stream): a small replay
     * (just after a keyframe) goes within a few ticks, and what queues behind it drains.
     */
    static final int MIN_TICK_BYTES = 8 * 1024;
    /**
     * A tick that comes late (a busy machine) sends what is due, up to this much at once (or two
     * ticks' worth if more): well within a receive buffer the kernel's default size (208 KiB).
     */
    static final int MAX_BURST_BYTES = 64 * 1024;

    private final Channel channel;
    private final WriteBufferWaterMark marks;
    private final LongSupplier nanoTime;
    private final Runnable flush;
    private final ArrayDeque<DatagramPacket> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long inFlightBytes;
    private long replayLeft;
    private long tickBytes;
    private long allowance;
    private long lastTickNanos;
    private boolean slow;
    private boolean closed;
    private ScheduledFuture<?> ticker;

    /**
     * @param flush flushes the shared channel, at once or (the server's {@link UdpTransport#flushSoon})
     *              once after the current task, so that a burst for every viewer goes out together
     */
    UdpSender(Channel channel, WriteBufferWaterMark marks, Runnable flush) {
        this(channel, marks, System::nanoTime, flush);
    }

    /** With another clock for the pacing (tests), flushing at once. */
    UdpSender(Channel channel, WriteBufferWaterMark marks, LongSupplier nanoTime) {
        this(channel, marks, nanoTime, channel::flush);
    }

    private UdpSender(Channel channel, WriteBufferWaterMark marks, LongSupplier nanoTime, Runnable flush) {
        this.channel = channel;
        this.marks = marks;
        this.nanoTime = nanoTime;
        this.flush = flush;
    }

    /** Whether the viewer can take more: false from the high water mark until back under the low one. */
    boolean writable() {
        long backlog = backlog();
        if (slow && backlog < marks.low()) {
            slow = false;
        } else if (!slow && backlog >= marks.high()) {
            slow = true;
        }
        return !slow;
    }

    /** Bytes waiting for this viewer, the waiting replay aside. */
    long backlog() {
        return queuedBytes - replayLeft + inFlightBytes;
    }

    /** Live datagrams: sent at once, or queued behind a replay still being paced. Takes ownership. */
    void send(List<DatagramPacket> batch) {
        assert channel.eventLoop().inEventLoop();
        if (closed) {
            batch.forEach(ReferenceCountUtil::release);
        } else if (queue.isEmpty()) {
            write(batch);
        } else {
            enqueue(batch);
        }
    }

    /**
     * The join replay: sent paced, {@link #TICK_MILLIS} ms apart, fast enough to be out within
     * {@link #PACE_WINDOW_MILLIS} ms and at least {@link #MIN_TICK_BYTES} a tick; the first part
     * goes at once. Live packets queued behind it follow as soon as it is out. Takes ownership.
     */
    void sendPaced(List<DatagramPacket> replay) {
        assert channel.eventLoop().inEventLoop();
        if (closed) {
            replay.forEach(ReferenceCountUtil::release);
            return;
        }
        long before = queuedBytes;
        enqueue(replay);
        replayLeft += queuedBytes - before;
        long ticks = PACE_WINDOW_MILLIS / TICK_MILLIS;
        tickBytes = Math.max(MIN_TICK_BYTES, (replayLeft + ticks - 1) / ticks);
        if (ticker == null) {
            allowance = 0;
            lastTickNanos = nanoTime.getAsLong() - TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
            tick();
        }
    }

    private void enqueue(List<DatagramPacket> batch) {
        for (int i = 0; i < batch.size(); i++) {
            DatagramPacket p = batch.get(i);
            queue.add(p);
            queuedBytes += p.content().readableBytes();
        }
    }

    /** Sends the replay's share for the time since the last tick; once the replay is out, all that queued behind it. */
    private void tick() {
        ticker = null;
        if (closed) {
            return;
        }
        long now = nanoTime.getAsLong();
        long due = (now - lastTickNanos) * tickBytes / TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
        allowance = Math.min(allowance + due, Math.max(MAX_BURST_BYTES, 2 * tickBytes));
        lastTickNanos = now;
        List<DatagramPacket> batch = new ArrayList<>();
        long bytes = 0;
        while (!queue.isEmpty() && (replayLeft - bytes <= 0 || queue.peek().content().readableBytes() <= allowance - bytes)) {
            DatagramPacket p = queue.poll();
            bytes += p.content().readableBytes();
            batch.add(p);
        }
        allowance = Math.max(0, allowance - bytes);
        queuedBytes -= bytes;
        replayLeft = Math.max(0, replayLeft - bytes);
        write(batch);
        if (!queue.isEmpty()) {
            ticker = channel.eventLoop().schedule(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Hands datagrams to the shared channel and has it flushed. They count as this viewer's backlog
     * until the last one has gone to the kernel (or failed): one promise per batch, as a channel
     * writes its messages in order.
     */
    private void write(List<DatagramPacket> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (!channel.isActive()) {
            batch.forEach(ReferenceCountUtil::release);
            return;
        }
        List<DatagramPacket> out = UdpSegments.usable(channel) ? UdpSegments.join(batch) : batch;
        int last = out.size() - 1;
        long bytes = 0;
        for (int i = 0; i < last; i++) {
            bytes += out.get(i).content().readableBytes();
            write(out.get(i), channel.voidPromise());
        }
        long batchBytes = bytes + out.get(last).content().readableBytes();
        inFlightBytes += batchBytes;
        ChannelPromise done = channel.newPromise();
        done.addListener(f -> inFlightBytes -= batchBytes);
        write(out.get(last), done);
        flush.run();
    }

    private void write(DatagramPacket datagram, ChannelPromise promise) {
        if (datagram instanceof SegmentedDatagramPacket) {
            ChannelPromise sent = promise.isVoid() ? channel.newPromise() : promise;
            sent.addListener(UdpSegments::refusedOnce);
            channel.write(datagram, sent);
        } else {
            channel.write(datagram, promise);
        }
    }

    /** Drops what is still queued (the viewer left). */
    void close() {
        assert channel.eventLoop().inEventLoop();
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
        queue.forEach(ReferenceCountUtil::release);
        queue.clear();
        queuedBytes = 0;
        replayLeft = 0;
    }
}
