package com.pandaproxy.chamber;

import com.pandaproxy.fanout.JoinCache;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Join cache of the chamber proxy: the last frame, replayed to a client that joins if it is
 * not older than {@code maxAgeNanos} (an old frame would show a stale picture as live).
 * Used only on the fan-out's executor.
 */
final class LatestFrame implements JoinCache<ByteBuf> {
    private final long maxAgeNanos;
    private final LongSupplier clock;
    private ByteBuf frame;
    private long receivedNanos;

    LatestFrame(long maxAgeNanos, LongSupplier clock) {
        this.maxAgeNanos = maxAgeNanos;
        this.clock = clock;
    }

    @Override
    public void record(ByteBuf unit, boolean syncPoint) {
        clear();
        frame = unit.retain();
        receivedNanos = clock.getAsLong();
    }

    @Override
    public List<ByteBuf> replay() {
        if (frame == null || clock.getAsLong() - receivedNanos > maxAgeNanos) {
            return List.of();
        }
        return List.of(frame);
    }

    @Override
    public void clear() {
        if (frame != null) {
            frame.release();
            frame = null;
        }
    }

    /** A copy of the last JPEG (whatever its age), or null. */
    byte[] jpeg() {
        if (frame == null) {
            return null;
        }
        return ByteBufUtil.getBytes(frame, FrameHeader.LENGTH, frame.readableBytes() - FrameHeader.LENGTH);
    }
}
