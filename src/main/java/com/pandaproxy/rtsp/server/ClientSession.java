package com.pandaproxy.rtsp.server;

import com.pandaproxy.rtsp.InterleavedEncoder;
import com.pandaproxy.rtsp.RtspCodec;
import com.pandaproxy.rtsp.relay.RelayPacket;
import com.pandaproxy.rtsp.relay.RelaySink;
import com.pandaproxy.rtsp.relay.TrackClock;
import com.pandaproxy.rtsp.rtp.Rtcp;
import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One client's RTSP session: the tracks it set up and how each is carried (interleaved channels
 * on its TCP connection, or UDP to its ports), its place in the relay ({@link #sink}), and when it
 * was last heard from. Bound to the connection that created it.
 */
final class ClientSession {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How one track reaches the client. For TCP the addresses are null; for UDP the channels are -1. */
    record TrackTransport(int track, int rtpChannel, int rtcpChannel, InetSocketAddress rtpAddress,
                          InetSocketAddress rtcpAddress) {
        boolean tcp() {
            return rtpAddress == null;
        }
    }

    private final String id;
    private final Channel channel;
    private final UdpTransport udp;
    private final Map<Integer, TrackTransport> tracks = new TreeMap<>();
    private final SessionSink sink = new SessionSink();
    /** This session's way out over UDP (null for TCP): its own backlog and pacing. */
    private UdpSender udpOut;
    private volatile TrackTransport[] byTrack = new TrackTransport[0];
    private volatile long lastSeenNanos = System.nanoTime();
    private boolean playing;
    private boolean counted;
    // per track, written only on the relay's loop, read for sender reports
    private final long[] packets = new long[16];
    private final long[] octets = new long[16];

    ClientSession(Channel channel, UdpTransport udp) {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        this.id = HexFormat.of().formatHex(b).toUpperCase();
        this.channel = channel;
        this.udp = udp;
    }

    String id() {
        return id;
    }

    void touch() {
        lastSeenNanos = System.nanoTime();
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    boolean isTcp() {
        return tracks.values().stream().allMatch(TrackTransport::tcp);
    }

    Map<Integer, TrackTransport> tracks() {
        return tracks;
    }

    void setUp(TrackTransport t) {
        if (t.track() >= packets.length) {
            throw new IllegalArgumentException("track number too high");
        }
        tracks.put(t.track(), t);
        TrackTransport[] arr = new TrackTransport[tracks.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1];
        tracks.values().forEach(v -> arr[v.track()] = v);
        byTrack = arr;
        if (!t.tcp()) {
            udp.register(t.rtcpAddress(), this);
            if (udpOut == null) {
                udpOut = new UdpSender(udp.rtp(), RtspServer.WATER_MARK, udp::flushSoon);
            }
        }
    }

    List<Integer> trackList() {
        return List.copyOf(tracks.keySet());
    }

    RelaySink sink() {
        return sink;
    }

    boolean playing() {
        return playing;
    }

    void playing(boolean p) {
        playing = p;
    }

    /** Whether this session was counted as a connected client (to uncount it once). */
    boolean markCounted() {
        if (counted) {
            return false;
        }
        counted = true;
        return true;
    }

    boolean counted() {
        return counted;
    }

    /** Forgets the session's UDP addresses and drops what is still queued for it. On the relay's loop. */
    void release() {
        for (TrackTransport t : tracks.values()) {
            if (!t.tcp()) {
                udp.unregister(t.rtcpAddress(), this);
            }
        }
        if (udpOut != null) {
            udpOut.close();
        }
    }

    /** Sends an RTCP sender report for every track that has seen packets. */
    void sendReports(java.util.function.IntFunction<TrackClock> clocks) {
        long nanos = System.nanoTime();
        long ntp = Rtcp.ntp(System.currentTimeMillis());
        for (TrackTransport t : byTrack) {
            if (t == null) {
                continue;
            }
            TrackClock clock = clocks.apply(t.track());
            TrackClock.Position pos = clock == null ? null : clock.position();
            if (pos == null || packets[t.track()] == 0) {
                continue;
            }
            ByteBuf sr = Rtcp.senderReport(channel.alloc(), clock.ssrc(), ntp, pos.timestampAt(nanos),
                    packets[t.track()], octets[t.track()]);
            if (t.tcp()) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(
                        InterleavedEncoder.header(channel.alloc(), t.rtcpChannel(), sr.readableBytes()), sr));
            } else {
                udp.rtcp().writeAndFlush(new DatagramPacket(sr, t.rtcpAddress()));
            }
        }
    }

    /**
     * Writes relayed packets of the tracks this client set up, sharing the relay's buffers. On the
     * usual interleaved channels a run of consecutive packets of a burst goes out as one slice of
     * the relay's chunk (no per-packet header, wrapper or write); on other channels each packet gets
     * a 4-byte header. Everything is written and flushed once per burst. Over UDP each packet is one
     * datagram, handed to the session's {@link UdpSender} once per burst; its backlog decides
     * whether this client is slow, and it paces the join replay. The bytes enter the pipeline past
     * the RTSP encoders (they pass raw buffers through unchanged, at a cost per write and client):
     * straight into TLS, or to the socket.
     */
    private final class SessionSink extends RelaySink {
        private final List<Object> pending = new ArrayList<>();
        private final List<DatagramPacket> datagrams = new ArrayList<>();
        // the run of consecutive frames in one chunk not yet written; run holds one reference to it
        private ByteBuf run;
        private int runStart;
        private int runEnd;
        // where relayed bytes enter the pipeline, found on the first write (on the event loop)
        private ChannelOutboundInvoker out;

        @Override
        protected boolean writable() {
            return udpOut != null ? udpOut.writable() : channel.isWritable();
        }

        @Override
        protected void write(RelayPacket unit) {
            TrackTransport[] a = byTrack;
            int track = unit.track();
            TrackTransport t = track < a.length ? a[track] : null;
            if (t == null) {
                return;
            }
            ByteBuf rtp = unit.content();
            int len = rtp.readableBytes();
            packets[track]++;
            octets[track] += len - Rtp.FIXED_HEADER;
            if (t.tcp() && unit.chunk() != null && t.rtpChannel() == RelayPacket.usualChannel(track)) {
                extendRun(unit.chunk(), unit.frameOffset(), unit.frameLength());
                return;
            }
            if (t.tcp()) {
                endRun();
                ByteBuf header = InterleavedEncoder.header(channel.alloc(), t.rtpChannel(), len);
                pending.add(Unpooled.wrappedBuffer(header, rtp.retainedDuplicate()));
            } else {
                datagrams.add(new DatagramPacket(rtp.retainedDuplicate(), t.rtpAddress()));
            }
        }

        private void extendRun(ByteBuf chunk, int offset, int length) {
            if (chunk == run && offset == runEnd) {
                runEnd += length;
                return;
            }
            endRun();
            run = chunk.retain();
            runStart = offset;
            runEnd = offset + length;
        }

        private void endRun() {
            if (run != null) {
                // the slice carries (and on release gives back) the reference taken when the run began
                pending.add(run.slice(runStart, runEnd - runStart));
                run = null;
            }
        }

        @Override
        protected void flush() {
            if (!datagrams.isEmpty()) {
                udpOut.send(datagrams);
                datagrams.clear();
            }
            endRun();
            if (pending.isEmpty()) {
                return;
            }
            if (channel.eventLoop().inEventLoop()) {
                writeAll(pending);
                pending.clear();
            } else {
                List<Object> batch = new ArrayList<>(pending);
                pending.clear();
                channel.eventLoop().execute(() -> writeAll(batch));
            }
        }

        @Override
        protected void flushReplay() {
            if (!datagrams.isEmpty()) {
                udpOut.sendPaced(datagrams);
                datagrams.clear();
            }
            flush();
        }

        private void writeAll(List<Object> batch) {
            if (!channel.isActive()) {
                batch.forEach(ReferenceCountUtil::release);
                return;
            }
            if (out == null) {
                // the framer's context writes to the handler before it: TLS if any, else the socket
                // (the pipeline is complete once a session streams; looked up once, not per burst)
                ChannelOutboundInvoker framer = channel.pipeline().context(RtspCodec.FRAMER);
                out = framer != null ? framer : channel;
            }
            for (int i = 0; i < batch.size(); i++) {
                out.write(batch.get(i), channel.voidPromise());
            }
            out.flush();
        }
    }
}
