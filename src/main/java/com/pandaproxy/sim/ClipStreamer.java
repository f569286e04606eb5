package com.pandaproxy.sim;

import com.pandaproxy.rtsp.InterleavedFrame;
import com.pandaproxy.rtsp.rtp.Rtcp;
import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.ObjLongConsumer;

/**
 * Plays the clip to one viewer in real time as RTP over its RTSP connection (interleaved),
 * looping forever with continuous sequence numbers and timestamps (90 kHz, one frame period
 * per picture), plus an RTCP sender report every {@value #SR_INTERVAL_SECONDS} s. Runs on
 * the viewer channel's event loop. When the viewer cannot keep up it skips pictures up to the
 * next IDR, as a camera would, instead of queueing without bound.
 */
final class ClipStreamer {
    static final int PAYLOAD_TYPE = 96;
    static final int CLOCK_RATE = 90_000;
    /** Keeps RTP packets (plus the 4-byte interleaved header) well under a 1500-byte MTU. */
    static final int MAX_PAYLOAD = 1400;
    /** Seconds between RTCP sender reports. */
    static final int SR_INTERVAL_SECONDS = 5;

    private final Channel channel;
    private final H264Clip clip;
    private final int rtpChannel;
    private final int rtcpChannel;
    private final BooleanSupplier frozen;
    private final ObjLongConsumer<byte[]> sent;
    private final long ssrc;
    private final long firstTimestamp;
    private final long periodNanos;

    private int seq;
    private long frameNumber;
    private long startNanos;
    private long packets;
    private long octets;
    private boolean skipToIdr;
    private ScheduledFuture<?> next;

    ClipStreamer(Channel channel, H264Clip clip, int rtpChannel, int rtcpChannel, BooleanSupplier frozen,
                 ObjLongConsumer<byte[]> sent) {
        this.channel = channel;
        this.clip = clip;
        this.rtpChannel = rtpChannel;
        this.rtcpChannel = rtcpChannel;
        this.frozen = frozen;
        this.sent = sent;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / clip.fps();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        this.ssrc = r.nextLong(1, 1L << 32);
        this.seq = r.nextInt(1 << 16);
        this.firstTimestamp = r.nextLong(1L << 32);
    }

    long ssrc() {
        return ssrc;
    }

    /** The sequence number and timestamp of the next packet (for RTP-Info in the PLAY answer). */
    int nextSeq() {
        return seq & 0xFFFF;
    }

    long nextTimestamp() {
        return timestamp(frameNumber);
    }

    /** Starts (or resumes after {@link #stop}) sending; call on the channel's event loop. */
    void start() {
        if (next != null) {
            return;
        }
        // resume where the timeline is now, so timestamps keep advancing with wall-clock time
        startNanos = System.nanoTime() - frameNumber * periodNanos;
        skipToIdr = true;
        next = channel.eventLoop().schedule(this::tick, 0, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }

    private void tick() {
        if (next == null || !channel.isActive()) {
            return;
        }
        // a wake-up late by up to half a second (a busy machine, a GC pause) is made up by sending the
        // pictures due at once, as a camera's socket buffer would; later than that, whole pictures
        // are dropped up to the next IDR instead of sending a long burst
        long due = (System.nanoTime() - startNanos) / periodNanos;
        if (due > frameNumber + Math.max(1, clip.fps() / 2)) {
            frameNumber = due;
            skipToIdr = true;
        }
        H264Clip.Frame frame = clip.frames().get((int) (frameNumber % clip.frames().size()));
        if (!channel.isWritable()) {
            skipToIdr = true;
        } else if (!frozen.getAsBoolean() && !(skipToIdr && !frame.idr())) {
            skipToIdr = false;
            send(frame, timestamp(frameNumber));
            if (frameNumber % ((long) SR_INTERVAL_SECONDS * clip.fps()) == 0) {
                ByteBuf sr = Rtcp.senderReport(channel.alloc(), ssrc, Rtcp.ntp(System.currentTimeMillis()),
                        timestamp(frameNumber), packets, octets);
                channel.write(new InterleavedFrame(rtcpChannel, sr));
            }
            sent.accept(frame.nals().get(frame.nals().size() - 1), System.nanoTime());
            channel.flush();
        }
        frameNumber++;
        long delay = startNanos + frameNumber * periodNanos - System.nanoTime();
        next = channel.eventLoop().schedule(this::tick, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private void send(H264Clip.Frame frame, long ts) {
        List<byte[]> nals = frame.nals();
        for (int n = 0; n < nals.size(); n++) {
            List<byte[]> payloads = H264Packetizer.payloads(nals.get(n), MAX_PAYLOAD);
            for (int i = 0; i < payloads.size(); i++) {
                boolean marker = n == nals.size() - 1 && i == payloads.size() - 1;
                byte[] payload = payloads.get(i);
                channel.write(new InterleavedFrame(rtpChannel,
                        Rtp.build(channel.alloc(), PAYLOAD_TYPE, marker, seq++ & 0xFFFF, ts, ssrc, payload)));
                packets++;
                octets += payload.length;
            }
        }
    }

    private long timestamp(long frame) {
        return (firstTimestamp + frame * (CLOCK_RATE / clip.fps())) & 0xFFFFFFFFL;
    }
}
