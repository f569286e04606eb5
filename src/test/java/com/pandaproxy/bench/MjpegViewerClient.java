package com.pandaproxy.bench;

import com.pandaproxy.sim.ChamberSimulator;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * A lean MJPEG viewer for the benchmark: one GET /stream.mjpeg, then parts are cut by their
 * Content-Length and only their frame number (the simulator's stamp) and arrival time are kept.
 */
final class MjpegViewerClient {
    interface Listener {
        void picture(long frameNumber, long receivedNanos, int bytes);
    }

    private static final byte[] LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BLANK = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final Channel channel;
    /** Request sent → first whole picture, in ms. */
    final CompletableFuture<Double> firstPicture = new CompletableFuture<>();

    MjpegViewerClient(EventLoopGroup group, int port, String user, String code, Listener listener) throws InterruptedException {
        String auth = Base64.getEncoder().encodeToString((user + ":" + code).getBytes(StandardCharsets.UTF_8));
        long[] sent = new long[1];
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            private ByteBuf buffer;
                            private boolean headDone;
                            private int length = -1;

                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                buffer = ctx.alloc().buffer(256 * 1024);
                                sent[0] = System.nanoTime();
                                ctx.writeAndFlush(Unpooled.copiedBuffer("GET /stream.mjpeg HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
                                        + auth + "\r\n\r\n", StandardCharsets.US_ASCII));
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf in = (ByteBuf) msg;
                                buffer.writeBytes(in);
                                in.release();
                                long now = System.nanoTime();
                                while (true) {
                                    if (!headDone || length < 0) {
                                        int blank = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(BLANK), buffer);
                                        if (blank < 0) {
                                            break;
                                        }
                                        if (headDone) {
                                            int at = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(LENGTH), buffer);
                                            int end = buffer.indexOf(at, blank + 2, (byte) '\r');
                                            length = Integer.parseInt(buffer.toString(at + LENGTH.length, end - at - LENGTH.length,
                                                    StandardCharsets.US_ASCII));
                                        }
                                        headDone = true;
                                        buffer.readerIndex(blank + BLANK.length);
                                        continue;
                                    }
                                    if (buffer.readableBytes() < length + 2) {
                                        break;
                                    }
                                    byte[] head = new byte[Math.min(length, 64)];
                                    buffer.getBytes(buffer.readerIndex(), head);
                                    listener.picture(ChamberSimulator.frameNumber(head), now, length);
                                    if (!firstPicture.isDone()) {
                                        firstPicture.complete((now - sent[0]) / 1e6);
                                    }
                                    buffer.skipBytes(length + 2);
                                    length = -1;
                                }
                                buffer.discardReadBytes();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                buffer.release();
                                firstPicture.completeExceptionally(new IllegalStateException("closed before a picture"));
                            }
                        });
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }
}
