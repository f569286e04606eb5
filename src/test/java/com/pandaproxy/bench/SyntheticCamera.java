package com.pandaproxy.bench;

import com.pandaproxy.printer.Upstream;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.UpstreamListener;
import com.pandaproxy.rtsp.rtp.H264Packets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the printer's upstream that produces a 1080p-like H.264 RTP stream: 30 frames
 * per second, ~4 Mbit/s, an IDR (with SPS/PPS before it) every 2 s, FU-A packets of 1400 bytes.
 * Every FU-A packet carries {@link System#nanoTime()} at its creation right after the FU header,
 * so a client can measure the proxy's added latency. The bytes are not a decodable picture.
 */
final class SyntheticCamera implements Upstream {
    static final int FPS = 30;
    static final int GOP = 60;
    static final int IDR_BYTES = 100_000;
    static final int P_BYTES = 15_300;
    static final int PACKET_PAYLOAD = 1400;
    static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=synthetic\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
            + "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;profile-level-id=640028;"
            + "sprop-parameter-sets=Z2QAKKzZQHgCJ+XARAAAAwAEAAADAPA8YMZY,aOvjyyLA\r\na=control:track1\r\n";
    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x28, (byte) 0xAC, (byte) 0xD9, 0x40, 0x78};
    private static final byte[] PPS = {0x68, (byte) 0xEB, (byte) 0xE3, (byte) 0xCB};

    private final EventLoop loop;
    private final UpstreamListener listener;
    private final ByteBufAllocator alloc;
    private ScheduledFuture<?> ticker;
    private int frame;
    private int seq;

    SyntheticCamera(EventLoop loop, UpstreamListener listener, ByteBufAllocator alloc) {
        this.loop = loop;
        this.listener = listener;
        this.alloc = alloc;
    }

    @Override
    public void start() {
        loop.execute(() -> listener.described(Sdp.parse(SDP)));
        ticker = loop.scheduleAtFixedRate(this::frame, 0, 1_000_000_000L / FPS, TimeUnit.NANOSECONDS);
    }

    private void frame() {
        long ts = frame * (90_000L / FPS);
        boolean idr = frame % GOP == 0;
        if (idr) {
            send(ts, false, SPS, -1, 0);
            send(ts, false, PPS, -1, 0);
        }
        int size = idr ? IDR_BYTES : P_BYTES;
        int nalHeader = idr ? 0x65 : 0x41;
        for (int off = 0; off < size; off += PACKET_PAYLOAD) {
            int len = Math.min(PACKET_PAYLOAD, size - off);
            boolean start = off == 0;
            boolean end = off + len >= size;
            int fuHeader = (start ? 0x80 : 0) | (end ? 0x40 : 0) | (nalHeader & 0x1F);
            send(ts, end, null, fuHeader | ((nalHeader & 0x60) << 8), len);
        }
        frame++;
    }

    /** A single NAL unit ({@code nal} given) or an FU-A fragment of {@code len} bytes stamped with the time. */
    private void send(long ts, boolean marker, byte[] nal, int fu, int len) {
        ByteBuf p = alloc.buffer(12 + (nal != null ? nal.length : 2 + len));
        p.writeByte(0x80);
        p.writeByte((marker ? 0x80 : 0) | 96);
        p.writeShort(seq++);
        p.writeInt((int) ts);
        p.writeInt(0x5EED);
        if (nal != null) {
            p.writeBytes(nal);
        } else {
            p.writeByte(((fu >> 8) & 0x60) | H264Packets.FU_A);
            p.writeByte(fu & 0xFF);
            p.writeLong(System.nanoTime());
            p.writeZero(len - 8);
        }
        listener.packet(0, false, p);
    }

    @Override
    public void reconnect() {
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }
}
