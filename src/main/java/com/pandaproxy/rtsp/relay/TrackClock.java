package com.pandaproxy.rtsp.relay;

import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The proxy's own numbering of one track: SSRC, sequence numbers and timestamps that clients see,
 * continuous across upstream restarts. Within one upstream session the offsets are fixed, so
 * gaps and reordering pass through unchanged; when the upstream restarts (or its SSRC changes),
 * the next packet continues at the last sequence number + 1 and at the last timestamp plus the
 * wall-clock time that passed. Rewrites on the relay's event loop; {@link #position} may be read
 * from any thread.
 */
public final class TrackClock {
    private final long ssrc;
    private final int clockRate;
    private boolean synced;
    private long upstreamSsrc = -1;
    private int seqOffset;
    private long tsOffset;
    private int lastSeq;
    private long lastTs;
    private long packets;
    private long octets;
    private volatile Position position;

    /** Where the track is: last packet's timestamp, at which wall-clock time, and totals sent. */
    public record Position(int lastSeq, long lastTs, long wallNanos, long packets, long octets, int clockRate) {
        /** The RTP timestamp now, extrapolated from the last packet at the clock rate. */
        public long timestampAt(long nanos) {
            return (lastTs + (nanos - wallNanos) * clockRate / 1_000_000_000L) & 0xFFFFFFFFL;
        }
    }

    public TrackClock(int clockRate) {
        this(clockRate, ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL), ThreadLocalRandom.current().nextInt(0x10000),
                ThreadLocalRandom.current().nextLong(0x100000000L));
    }

    TrackClock(int clockRate, long ssrc, int firstSeq, long firstTs) {
        this.clockRate = clockRate;
        this.ssrc = ssrc;
        this.lastSeq = (firstSeq - 1) & 0xFFFF;
        this.lastTs = firstTs;
    }

    public long ssrc() {
        return ssrc;
    }

    public int clockRate() {
        return clockRate;
    }

    /** Null until the first packet. */
    public Position position() {
        return position;
    }

    /** The upstream session ended: the next packet starts new offsets. */
    public void restart() {
        synced = false;
    }

    /** Rewrites a valid RTP packet in place to the proxy's numbering. */
    public void rewrite(ByteBuf packet, long nowNanos) {
        long inSsrc = Rtp.ssrc(packet);
        int inSeq = Rtp.sequence(packet);
        long inTs = Rtp.timestamp(packet);
        if (!synced || inSsrc != upstreamSsrc) {
            Position p = position;
            long elapsed = p == null ? 0 : Math.max(0, nowNanos - p.wallNanos);
            long nextTs = (lastTs + (p == null ? 0 : Math.max(1, elapsed * clockRate / 1_000_000_000L))) & 0xFFFFFFFFL;
            seqOffset = ((lastSeq + 1) - inSeq) & 0xFFFF;
            tsOffset = (nextTs - inTs) & 0xFFFFFFFFL;
            upstreamSsrc = inSsrc;
            synced = true;
        }
        lastSeq = (inSeq + seqOffset) & 0xFFFF;
        lastTs = (inTs + tsOffset) & 0xFFFFFFFFL;
        Rtp.rewrite(packet, lastSeq, lastTs, ssrc);
        packets++;
        octets += packet.readableBytes() - Rtp.headerLength(packet);
        position = new Position(lastSeq, lastTs, nowNanos, packets, octets, clockRate);
    }
}
