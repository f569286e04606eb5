package com.pandaproxy.bench;

import com.pandaproxy.rtsp.InterleavedFrame;
import com.pandaproxy.rtsp.RtspCodec;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.Transport;
import com.pandaproxy.testutil.UdpViewer;
import com.pandaproxy.rtsp.auth.ClientAuthenticator;
import com.pandaproxy.rtsp.rtp.H264Packets;
import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A lean RTSP/RTSPS client for the benchmarks: plays (RTP over TCP, or over UDP), then only counts
 * packets and, while measuring, notes when each picture's last packet arrived ({@link #latencies}).
 */
final class BenchClient {
    private static final int REPORT_SECONDS = 5;
    private static final int SSRC = 0x0BE4C11E;
    private final BlockingQueue<FullHttpResponse> responses = new LinkedBlockingQueue<>();
    private final Channel channel;
    private final ClientAuthenticator auth;
    private int cseq;
    private String session;
    volatile boolean measuring;
    volatile long bytes;
    volatile long packets;
    volatile long firstKeyframeNanos;
    /** When each keyframe began to arrive (nanoTime), for the reconnect figure. */
    final List<Long> keyframeNanos = new CopyOnWriteArrayList<>();
    volatile int lastSeq = -1;
    volatile long gaps;
    // while measuring: per picture (its last packet, the marker), when it arrived and its key
    private long[] arrivals = new long[4096];
    private long[] keys = new long[4096];
    private int count;
    private volatile ScheduledFuture<?> reports;
    /** The RTP and RTCP sockets when the media comes over UDP, else null. */
    private final Channel[] udp;

    BenchClient(EventLoopGroup group, int port, SslContext tls, String code) throws InterruptedException {
        this(group, port, tls, code, false);
    }

    BenchClient(EventLoopGroup group, int port, SslContext tls, String code, boolean overUdp) throws InterruptedException {
        this.auth = new ClientAuthenticator("bblp", code);
        this.udp = overUdp ? new Channel[] {datagrams(group, true), datagrams(group, false)} : null;
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        RtspCodec.install(ch.pipeline());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof InterleavedFrame f) {
                                    if (f.channel() == 0) {
                                        onRtp(f.content());
                                    }
                                } else if (msg instanceof FullHttpResponse r) {
                                    responses.add(r.retain());
                                }
                            }
                        });
                    }
                }).connect(InetAddress.getLoopbackAddress(), port).sync().channel();
    }

    private void onRtp(ByteBuf p) {
        long now = System.nanoTime();
        ByteBuf payload = Rtp.payload(p);
        if (H264Packets.startsKeyframe(payload)) {
            if (firstKeyframeNanos == 0) {
                firstKeyframeNanos = now;
            }
            keyframeNanos.add(now);
        }
        int seq = Rtp.sequence(p);
        if (lastSeq >= 0 && seq != ((lastSeq + 1) & 0xFFFF)) {
            gaps++;
        }
        lastSeq = seq;
        bytes += p.readableBytes() + 4;
        packets++;
        if (measuring && Rtp.marker(p)) {
            long key = pictureKey(payload);
            if (key != 0) {
                if (count == arrivals.length) {
                    arrivals = Arrays.copyOf(arrivals, count * 2);
                    keys = Arrays.copyOf(keys, count * 2);
                }
                arrivals[count] = now;
                keys[count++] = key;
            }
        }
    }

    /**
     * What identifies a picture whatever the relay did to its packets: the last 8 bytes of its last
     * NAL unit (trailing zero bytes aside, which an Annex B parser may keep or strip), 0 if it has fewer.
     * {@code nal} is the marker packet's payload (the NAL unit, or the last fragment of it).
     */
    static long pictureKey(ByteBuf nal) {
        int end = nal.writerIndex();
        while (end > nal.readerIndex() && nal.getByte(end - 1) == 0) {
            end--;
        }
        return end - nal.readerIndex() < 10 ? 0 : nal.getLong(end - 8);
    }

    /** A loopback UDP socket on the client's loop; RTP datagrams go where interleaved channel 0 goes. */
    private Channel datagrams(EventLoopGroup group, boolean rtp) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, UdpViewer.Options.DEFAULT.receiveBuffer()) // as GStreamer's rtspsrc asks
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        if (rtp) {
                            onRtp(packet.content());
                        }
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    /**
     * DESCRIBE, SETUP of the first track (interleaved 0-1, or the UDP ports) at the URL its SDP
     * names, PLAY; returns when PLAY was sent (nanoTime).
     */
    long play(String url) throws InterruptedException {
        FullHttpResponse described = request("DESCRIBE", url, null);
        String base = described.headers().get(RtspHeaderNames.CONTENT_BASE, url);
        String control = Sdp.parse(described.content().toString(StandardCharsets.UTF_8)).media().get(0).control().orElse("");
        described.release();
        String track = control.startsWith("rtsp") ? control : base + (base.endsWith("/") ? "" : "/") + control;
        FullHttpResponse setUp = request("SETUP", track, udp == null ? "RTP/AVP/TCP;unicast;interleaved=0-1"
                : "RTP/AVP;unicast;client_port=" + ((InetSocketAddress) udp[0].localAddress()).getPort()
                        + "-" + ((InetSocketAddress) udp[1].localAddress()).getPort());
        int[] serverPorts = Transport.parse(setUp.headers().get(RtspHeaderNames.TRANSPORT)).serverPort();
        setUp.release();
        long sent = System.nanoTime();
        request("PLAY", base.endsWith("/") ? base.substring(0, base.length() - 1) : base, null).release();
        // RTCP receiver reports, as players send them, keep the session alive past the servers' 60 s timeout
        InetSocketAddress rtcpTo = udp == null || serverPorts == null ? null
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPorts[1]);
        reports = channel.eventLoop().scheduleAtFixedRate(() -> report(rtcpTo), REPORT_SECONDS, REPORT_SECONDS, TimeUnit.SECONDS);
        return sent;
    }

    /** An empty receiver report (RFC 3550 §6.4.2): on interleaved channel 1, or to the server's RTCP port. */
    private void report(InetSocketAddress rtcpTo) {
        ByteBuf rr = Unpooled.buffer(8).writeInt(0x80C90001).writeInt(SSRC);
        if (udp == null) {
            channel.writeAndFlush(new InterleavedFrame(1, rr), channel.voidPromise());
        } else if (rtcpTo != null) {
            udp[1].writeAndFlush(new DatagramPacket(rr, rtcpTo), udp[1].voidPromise());
        } else {
            rr.release();
        }
    }

    /** Sends a request (again with credentials when challenged); the 200 answer, which the caller releases. */
    private FullHttpResponse request(String method, String uri, String transport) throws InterruptedException {
        for (int attempt = 0; attempt < 2; attempt++) {
            DefaultFullHttpRequest req = new DefaultFullHttpRequest(RtspVersions.RTSP_1_0, HttpMethod.valueOf(method), uri, Unpooled.EMPTY_BUFFER);
            req.headers().set(RtspHeaderNames.CSEQ, ++cseq);
            if (transport != null) {
                req.headers().set(RtspHeaderNames.TRANSPORT, transport);
            }
            if (session != null) {
                req.headers().set(RtspHeaderNames.SESSION, session);
            }
            if (auth.ready()) {
                req.headers().set(RtspHeaderNames.AUTHORIZATION, auth.authorization(method, uri));
            }
            channel.writeAndFlush(req);
            FullHttpResponse r = responses.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new IllegalStateException(method + ": no answer");
            }
            int code = r.status().code();
            if (code == 401 && auth.challenged(r.headers().getAll(RtspHeaderNames.WWW_AUTHENTICATE))) {
                r.release();
                continue;
            }
            if (code != 200) {
                r.release();
                throw new IllegalStateException(method + ": " + r.status());
            }
            String s = r.headers().get(RtspHeaderNames.SESSION);
            if (s != null) {
                session = s.split(";")[0].trim();
            }
            return r;
        }
        throw new IllegalStateException(method + ": refused");
    }

    /**
     * Per picture received while measuring: how long after {@code sent} says it was handed over
     * (nanoseconds), for pictures {@code sent} knows. Call after measuring stopped.
     */
    long[] latencies(PictureTimes sent) {
        return channel.eventLoop().submit(() -> {
            long[] out = new long[count];
            int n = 0;
            for (int i = 0; i < count; i++) {
                long at = sent.sentBefore(keys[i], arrivals[i]);
                if (at != Long.MIN_VALUE) {
                    out[n++] = arrivals[i] - at;
                }
            }
            return Arrays.copyOf(out, n);
        }).syncUninterruptibly().getNow();
    }

    /** Whether the control connection is still open. */
    boolean open() {
        return channel.isActive();
    }

    void close() {
        if (reports != null) {
            reports.cancel(false);
        }
        channel.close().awaitUninterruptibly(1000);
        if (udp != null) {
            for (Channel c : udp) {
                c.close().awaitUninterruptibly(1000);
            }
        }
    }
}
