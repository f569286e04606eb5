package com.pandaproxy.rtsp.relay;

import com.pandaproxy.fanout.Fanout;
import com.pandaproxy.fanout.Sink;
import com.pandaproxy.printer.H264Keyframe;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.InterleavedEncoder;
import com.pandaproxy.rtsp.RtpInfo;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.SdpMedia;
import com.pandaproxy.rtsp.UpstreamListener;
import com.pandaproxy.rtsp.rtp.H264Packets;
import com.pandaproxy.rtsp.rtp.H264Parameters;
import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-to-many RTP relay. Receives the upstream's packets ({@link UpstreamListener}, on its
 * event loop), rewrites each packet once to the proxy's own numbering ({@link TrackClock}),
 * decides whether it is a place a client can start decoding, copies it once into a shared chunk
 * already framed for TCP clients ({@link PacketChunks}), and publishes it to every client
 * through one {@link Fanout}. Tracks and clocks survive upstream reconnects as long as the
 * printer describes the same tracks; each upstream session is relayed from its first keyframe
 * on, so clients see one continuous, decodable stream across printer restarts.
 */
public final class Relay implements UpstreamListener {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final EventLoop loop;
    private final StatusBoard status;
    private final PacketChunks chunks;
    private final KeyframeCache cache;
    private final Fanout<RelayPacket> fanout;
    private final List<Promise<Sdp>> waiting = new ArrayList<>();
    private final Set<RelaySink> sinks = new LinkedHashSet<>();
    private boolean flushScheduled;

    private volatile Sdp sdp;
    private volatile Sdp lastSdp;
    private volatile List<TrackClock> clocks = List.of();
    private int videoTrack = -1;
    private long auTimestamp = -1;
    private boolean auHasKeyframe;
    private boolean awaitingKeyframe = true;
    private int badPackets;

    public Relay(EventLoop loop, ByteBufAllocator alloc, StatusBoard status) {
        this.loop = loop;
        this.status = status;
        this.chunks = new PacketChunks(alloc);
        this.cache = new KeyframeCache(chunks);
        this.fanout = new Fanout<>(loop, cache);
    }

    public EventLoop loop() {
        return loop;
    }

    /** The printer's SDP of the live upstream session, or null while not connected. */
    public Sdp sdp() {
        return sdp;
    }

    /** The printer's SDP last described (kept across reconnects), or null if never. */
    public Sdp lastSdp() {
        return lastSdp;
    }

    /** Completes with the SDP as soon as the upstream is described (at once if it is). Thread-safe. */
    public Future<Sdp> whenDescribed() {
        Promise<Sdp> p = loop.newPromise();
        loop.execute(() -> {
            if (sdp != null) {
                p.trySuccess(sdp);
            } else {
                waiting.add(p);
                p.addListener(f -> loop.execute(() -> waiting.remove(p)));
            }
        });
        return p;
    }

    /** The latest whole keyframe (null when there is none yet), computed on the relay's loop. Thread-safe. */
    public Future<H264Keyframe> latestKeyframe() {
        return loop.submit(cache::keyframe);
    }

    /** The numbering of a track (for SSRC in SETUP, RTP-Info, sender reports), or null if unknown. */
    public TrackClock clock(int track) {
        List<TrackClock> c = clocks;
        return track >= 0 && track < c.size() ? c.get(track) : null;
    }

    /**
     * On the relay's loop: computes the RTP-Info of the first packets the sink will get (the
     * replay, else the next live packets), runs {@code beforeFirstPacket} (which writes the PLAY
     * response, so it precedes every packet on the wire), then attaches the sink.
     */
    public void attach(RelaySink sink, IntFunction<String> trackUrl, List<Integer> tracks,
                       java.util.function.Consumer<List<RtpInfo>> beforeFirstPacket) {
        loop.execute(() -> {
            List<RtpInfo> info = new ArrayList<>();
            for (int track : tracks) {
                RtpInfo entry = new RtpInfo(trackUrl.apply(track), -1, -1);
                for (RelayPacket p : cache.replay()) {
                    if (p.track() == track) {
                        entry = new RtpInfo(entry.url(), Rtp.sequence(p.content()), Rtp.timestamp(p.content()));
                        break;
                    }
                }
                TrackClock clock = clock(track);
                TrackClock.Position pos = clock == null ? null : clock.position();
                if (entry.seq() < 0 && pos != null) {
                    entry = new RtpInfo(entry.url(), (pos.lastSeq() + 1) & 0xFFFF, pos.timestampAt(System.nanoTime()));
                }
                info.add(entry);
            }
            beforeFirstPacket.accept(info);
            sinks.add(sink);
            fanout.add(sink);
            sink.flushReplay();
        });
    }

    public void detach(RelaySink sink) {
        fanout.remove(sink);
        loop.execute(() -> sinks.remove(sink));
    }

    @Override
    public void described(Sdp described) {
        List<TrackClock> old = clocks;
        List<TrackClock> next = new ArrayList<>();
        videoTrack = -1;
        H264Parameters params = new H264Parameters(List.of(), List.of());
        for (int i = 0; i < described.media().size(); i++) {
            SdpMedia m = described.media().get(i);
            int rate = m.clockRate();
            // same track layout as before: keep the clock (continuous numbering); else a new one
            TrackClock c = i < old.size() && old.get(i).clockRate() == rate ? old.get(i) : new TrackClock(rate);
            c.restart();
            next.add(c);
            if (videoTrack < 0 && m.isH264()) {
                videoTrack = i;
                params = H264Parameters.fromFmtp(m.fmtp(m.payloadType()));
            }
        }
        clocks = List.copyOf(next);
        cache.video(videoTrack, params);
        auTimestamp = -1;
        awaitingKeyframe = true;
        lastSdp = described;
        sdp = described;
        for (Promise<Sdp> p : new ArrayList<>(waiting)) {
            p.trySuccess(described);
        }
        waiting.clear();
    }

    @Override
    public void packet(int track, boolean rtcp, ByteBuf data) {
        try {
            List<TrackClock> c = clocks;
            if (rtcp || track < 0 || track >= c.size() || track > RelayPacket.MAX_TRACK) {
                return;
            }
            if (!Rtp.isValid(data) || data.readableBytes() > InterleavedEncoder.MAX_PAYLOAD) {
                if (badPackets++ % 1000 == 0) {
                    LOG.info("Dropped a malformed RTP packet from the printer ({} so far)", badPackets);
                }
                return;
            }
            boolean sync = syncPoint(track, data);
            if (awaitingKeyframe) {
                if (!sync) {
                    // a new upstream session starts where clients can decode: nothing before is numbered
                    return;
                }
                awaitingKeyframe = false;
            }
            c.get(track).rewrite(data, System.nanoTime());
            int bytes = data.readableBytes();
            if (track == videoTrack && Rtp.marker(data)) {
                status.frame(bytes);
            } else {
                status.bytes(bytes);
            }
            // copied once into the shared chunk, framed for TCP clients
            fanout.publish(chunks.append(track, data), sync);
            if (!flushScheduled) {
                // runs after the current read's packets: one flush per client per burst
                flushScheduled = true;
                loop.execute(this::flushSinks);
            }
        } finally {
            data.release();
        }
    }

    private void flushSinks() {
        flushScheduled = false;
        for (RelaySink s : sinks) {
            s.flush();
        }
    }

    /**
     * A client may start at the first keyframe-carrying packet (SPS, STAP-A with SPS/IDR, IDR,
     * first FU-A of an IDR) of an access unit; the rest of that access unit follows it. Without
     * an H.264 track every packet is a start.
     */
    private boolean syncPoint(int track, ByteBuf rtp) {
        if (videoTrack < 0) {
            return true;
        }
        if (track != videoTrack) {
            return false;
        }
        long ts = Rtp.timestamp(rtp);
        if (ts != auTimestamp) {
            auTimestamp = ts;
            auHasKeyframe = false;
        }
        if (!auHasKeyframe && H264Packets.startsKeyframe(Rtp.payload(rtp))) {
            auHasKeyframe = true;
            return true;
        }
        return false;
    }

    @Override
    public void disconnected() {
        sdp = null;
        // an old cache would replay a stale picture; the next session starts at a keyframe
        fanout.clearCache();
        clocks.forEach(TrackClock::restart);
        auTimestamp = -1;
        awaitingKeyframe = true;
    }

    /** Detaches every sink and drops the cache (shutdown). */
    public void close() {
        loop.execute(() -> {
            flushSinks();
            for (Sink<RelayPacket> s : fanout.sinks()) {
                fanout.remove(s);
            }
            sinks.clear();
            cache.clear();
            chunks.release();
            waiting.forEach(p -> p.tryFailure(new IllegalStateException("closed")));
            waiting.clear();
        });
    }
}
