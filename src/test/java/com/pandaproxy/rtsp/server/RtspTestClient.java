package com.pandaproxy.rtsp.server;

import com.pandaproxy.rtsp.InterleavedFrame;
import com.pandaproxy.rtsp.RtspCodec;
import com.pandaproxy.rtsp.auth.ClientAuthenticator;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A small RTSP client for tests, built on the project's codecs: sends a request, waits for its
 * answer (answering one 401 with credentials), and keeps the interleaved frames it gets.
 */
final class RtspTestClient implements AutoCloseable {
    /** One received RTP/RTCP packet: interleaved channel (or -1 for UDP RTP, -2 UDP RTCP), bytes, arrival time. */
    record Packet(int channel, byte[] data, long nanos) {
    }

    final BlockingQueue<FullHttpResponse> responses = new LinkedBlockingQueue<>();
    final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
    final Channel channel;
    private final String user;
    private final String password;
    private final Predicate<String> challengeFilter;
    private ClientAuthenticator auth;
    private int cseq;
    String session;
    DatagramSocket udpRtp;
    DatagramSocket udpRtcp;
    private final List<DatagramSocket> sockets = new java.util.ArrayList<>();

    private RtspTestClient(Channel channel, String user, String password, Predicate<String> challengeFilter) {
        this.channel = channel;
        this.user = user;
        this.password = password;
        this.challengeFilter = challengeFilter;
    }

    /** Connects; {@code password} null sends no credentials; {@code basicOnly} answers only a Basic challenge. */
    static RtspTestClient connect(EventLoopGroup group, int port, boolean tls, String password, boolean basicOnly) throws Exception {
        RtspTestClient[] self = new RtspTestClient[1];
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) throws Exception {
                        if (tls) {
                            ch.pipeline().addLast(SslContextBuilder.forClient()
                                    .trustManager(InsecureTrustManagerFactory.INSTANCE).build().newHandler(ch.alloc()));
                        }
                        RtspCodec.install(ch.pipeline());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof InterleavedFrame f) {
                                    self[0].packets.add(new Packet(f.channel(), ByteBufUtil.getBytes(f.content()), System.nanoTime()));
                                } else if (msg instanceof FullHttpResponse r) {
                                    // a heap copy: tests need not release what they read
                                    self[0].responses.add(r.replace(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(r.content()))));
                                }
                            }
                        });
                    }
                });
        Channel ch = b.connect(InetAddress.getLoopbackAddress(), port).sync().channel();
        self[0] = new RtspTestClient(ch, "bblp", password, basicOnly ? c -> c.startsWith("Basic") : c -> true);
        return self[0];
    }

    /** Sends a request and returns its answer (after one authenticated retry on 401). */
    FullHttpResponse request(String method, String uri, Map<String, String> headers) throws InterruptedException {
        FullHttpResponse r = send(method, uri, headers);
        if (r.status().code() == 401 && password != null) {
            if (auth == null) {
                auth = new ClientAuthenticator(user, password);
            }
            List<String> challenges = r.headers().getAll(RtspHeaderNames.WWW_AUTHENTICATE).stream().filter(challengeFilter).toList();
            if (auth.challenged(challenges)) {
                r.release();
                r = send(method, uri, headers);
            }
        }
        String s = r.headers().get(RtspHeaderNames.SESSION);
        if (s != null) {
            session = s.split(";")[0];
        }
        return r;
    }

    FullHttpResponse send(String method, String uri, Map<String, String> headers) throws InterruptedException {
        FullHttpRequest req = new DefaultFullHttpRequest(RtspVersions.RTSP_1_0, HttpMethod.valueOf(method), uri, Unpooled.EMPTY_BUFFER);
        req.headers().set(RtspHeaderNames.CSEQ, ++cseq);
        if (session != null) {
            req.headers().set(RtspHeaderNames.SESSION, session);
        }
        headers.forEach((k, v) -> req.headers().set(k, v));
        if (auth != null && auth.ready()) {
            req.headers().set(RtspHeaderNames.AUTHORIZATION, auth.authorization(method, uri));
        }
        channel.writeAndFlush(req);
        FullHttpResponse r = responses.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError(method + " " + uri + ": no answer");
        }
        if (!String.valueOf(cseq).equals(r.headers().get(RtspHeaderNames.CSEQ))) {
            throw new AssertionError("CSeq mismatch: " + r.headers().get(RtspHeaderNames.CSEQ));
        }
        return r;
    }

    /** DESCRIBE, SETUP of track 0 (TCP interleaved 0-1 or UDP), PLAY; returns the PLAY answer. */
    FullHttpResponse play(String url, boolean udp) throws Exception {
        expect(200, request("DESCRIBE", url, Map.of("Accept", "application/sdp")));
        String transport;
        if (udp) {
            udpRtp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            udpRtcp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            transport = "RTP/AVP;unicast;client_port=" + udpRtp.getLocalPort() + "-" + udpRtcp.getLocalPort();
            startUdpReader(udpRtp, -1);
            startUdpReader(udpRtcp, -2);
        } else {
            transport = "RTP/AVP/TCP;unicast;interleaved=0-1";
        }
        expect(200, request("SETUP", url + "/trackID=0", Map.of("Transport", transport)));
        return expect(200, request("PLAY", url, Map.of("Range", "npt=0.000-")));
    }

    /** Sockets to close with the client (those of further tracks). */
    void closeWithClient(DatagramSocket... more) {
        sockets.addAll(List.of(more));
    }

    /** Reads datagrams from the socket into {@link #packets}, marked with {@code channel}. */
    void startUdpReader(DatagramSocket socket, int channel) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (java.io.IOException e) {
                    return;
                }
                packets.add(new Packet(channel, java.util.Arrays.copyOf(p.getData(), p.getLength()), System.nanoTime()));
            }
        }, "udp-reader");
        t.setDaemon(true);
        t.start();
    }

    static FullHttpResponse expect(int status, FullHttpResponse r) {
        if (r.status().code() != status) {
            throw new AssertionError("expected " + status + " but got " + r.status() + "\n" + r.headers());
        }
        return r;
    }

    static String body(FullHttpResponse r) {
        return r.content().toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1000);
        if (udpRtp != null) {
            udpRtp.close();
            udpRtcp.close();
        }
        sockets.forEach(DatagramSocket::close);
        FullHttpResponse r;
        while ((r = responses.poll()) != null) {
            r.release();
        }
    }
}
