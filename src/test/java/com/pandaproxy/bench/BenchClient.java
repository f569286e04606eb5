package com.pandaproxy.bench;

import com.pandaproxy.rtsp.InterleavedFrame;
import com.pandaproxy.rtsp.RtspCodec;
import com.pandaproxy.rtsp.auth.ClientAuthenticator;
import com.pandaproxy.rtsp.rtp.H264Packets;
import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A lean RTSP/RTSPS client for the benchmarks: plays (RTP over TCP, or over UDP), then only counts and timestamps packets. */
final class BenchClient {
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
    private long[] latencies = new long[16384];
    private int count;
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
        if (measuring && H264Packets.packetType(payload) == H264Packets.FU_A && payload.readableBytes() >= 10) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = now - payload.getLong(payload.readerIndex() + 2);
        }
    }

    /** A loopback UDP socket on the client's loop; RTP datagrams go where interleaved channel 0 goes. */
    private Channel datagrams(EventLoopGroup group, boolean rtp) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        if (rtp) {
                            onRtp(packet.content());
                        }
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    /** DESCRIBE, SETUP (interleaved 0-1, or the UDP ports), PLAY; returns when PLAY was sent (nanoTime). */
    long play(String url) throws InterruptedException {
        request("DESCRIBE", url, null);
        request("SETUP", url + "/trackID=0", udp == null ? "RTP/AVP/TCP;unicast;interleaved=0-1"
                : "RTP/AVP;unicast;client_port=" + ((InetSocketAddress) udp[0].localAddress()).getPort()
                        + "-" + ((InetSocketAddress) udp[1].localAddress()).getPort());
        long sent = System.nanoTime();
        request("PLAY", url, null);
        return sent;
    }

    private void request(String method, String uri, String transport) throws InterruptedException {
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
            try {
                int code = r.status().code();
                if (code == 401 && auth.challenged(r.headers().getAll(RtspHeaderNames.WWW_AUTHENTICATE))) {
                    continue;
                }
                if (code != 200) {
                    throw new IllegalStateException(method + ": " + r.status());
                }
                String s = r.headers().get(RtspHeaderNames.SESSION);
                if (s != null) {
                    session = s.split(";")[0];
                }
                return;
            } finally {
                r.release();
            }
        }
        throw new IllegalStateException(method + ": refused");
    }

    /** The latencies measured so far (nanoseconds); call after measuring stopped, from any thread once quiet. */
    long[] latencies() {
        return channel.eventLoop().submit(() -> Arrays.copyOf(latencies, count)).syncUninterruptibly().getNow();
    }

    /** Whether the control connection is still open. */
    boolean open() {
        return channel.isActive();
    }

    void close() {
        channel.close().awaitUninterruptibly(1000);
        if (udp != null) {
            for (Channel c : udp) {
                c.close().awaitUninterruptibly(1000);
            }
        }
    }
}
