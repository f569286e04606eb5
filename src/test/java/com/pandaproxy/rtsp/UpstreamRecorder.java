package com.pandaproxy.rtsp;

import com.pandaproxy.rtsp.rtp.H264Packets;
import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link UpstreamListener} for tests: counts what arrives and checks RTP numbering per session. */
final class UpstreamRecorder implements UpstreamListener {
    final AtomicInteger described = new AtomicInteger();
    final AtomicInteger disconnected = new AtomicInteger();
    final AtomicInteger rtp = new AtomicInteger();
    final AtomicInteger rtcp = new AtomicInteger();
    final AtomicInteger sequenceGaps = new AtomicInteger();
    final AtomicInteger orderErrors = new AtomicInteger();
    /** Pictures seen (timestamp changes), and timestamp steps that are not whole frame periods forward. */
    final AtomicInteger pictures = new AtomicInteger();
    final AtomicInteger badTimestampSteps = new AtomicInteger();
    /** RTP timestamp units per picture the stream is expected to advance by (0: do not check). */
    volatile long framePeriod;
    private long lastTimestamp = -1;
    volatile Sdp sdp;
    /** NAL type of each session's first RTP packet (-1 before any). */
    volatile int firstNalType = -1;
    private int lastSeq = -1;
    private boolean inSession;

    @Override
    public void described(Sdp sdp) {
        if (inSession) {
            orderErrors.incrementAndGet();
        }
        inSession = true;
        this.sdp = sdp;
        lastSeq = -1;
        lastTimestamp = -1;
        firstNalType = -1;
        described.incrementAndGet();
    }

    @Override
    public void packet(int track, boolean isRtcp, ByteBuf data) {
        try {
            if (!inSession || track != 0) {
                orderErrors.incrementAndGet();
            }
            if (isRtcp) {
                rtcp.incrementAndGet();
                return;
            }
            int seq = Rtp.sequence(data);
            if (lastSeq < 0) {
                firstNalType = H264Packets.nalType(Rtp.payload(data));
            } else if (seq != ((lastSeq + 1) & 0xFFFF)) {
                sequenceGaps.incrementAndGet();
            }
            lastSeq = seq;
            long ts = Rtp.timestamp(data);
            if (ts != lastTimestamp) {
                long step = (ts - lastTimestamp) & 0xFFFFFFFFL;
                if (lastTimestamp >= 0 && framePeriod > 0 && (step % framePeriod != 0 || step > 100 * framePeriod)) {
                    badTimestampSteps.incrementAndGet();
                }
                lastTimestamp = ts;
                pictures.incrementAndGet();
            }
            rtp.incrementAndGet();
        } finally {
            data.release();
        }
    }

    @Override
    public void disconnected() {
        if (!inSession) {
            orderErrors.incrementAndGet();
        }
        inSession = false;
        disconnected.incrementAndGet();
    }
}
