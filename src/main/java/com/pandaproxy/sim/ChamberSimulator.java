package com.pandaproxy.sim;

import com.pandaproxy.chamber.AuthPacket;
import com.pandaproxy.chamber.ChamberProtocolException;
import com.pandaproxy.chamber.FrameHeader;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.tls.ServerCertificate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated A1/P1 camera on loopback: TLS with its own certificate, the printer's login
 * rules (wrong code: nothing sent, connection closed), one viewer at a time, and drawn JPEG
 * frames, each 16-byte header in a TLS record of its own.
 */
public final class ChamberSimulator implements SimulatedPrinter {
    private static final Logger LOG = LoggerFactory.getLogger(ChamberSimulator.class);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.S");
    private static final int SENT_HISTORY = 4096;

    /**
     * @param fps            frames per second
     * @param width          picture width
     * @param height         picture height
     * @param distinctFrames 0: draw every frame; n: draw n pictures at start and send them in turn
     *                       (each still stamped with its own frame number), for benchmarks
     */
    public record Options(double fps, int width, int height, int distinctFrames) {
        public static final Options DEFAULT = new Options(2, 1280, 720, 0);
    }

    private final Options options;
    private final byte[] codeField;
    private final SslContext ssl;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final TestPattern pattern;
    private final byte[][] prerendered;
    private final long[] sentNanos = new long[SENT_HISTORY];
    private final long[] sentNumber = new long[SENT_HISTORY];
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger logins = new AtomicInteger();
    private final LoopbackServer server = new LoopbackServer(group, this::accepted);
    private volatile Channel viewer;
    private volatile long frames;
    private volatile boolean frozen;

    private ChamberSimulator(String accessCode, Options options, ServerCertificate identity) {
        this.options = options;
        this.codeField = AuthPacket.field(accessCode);
        this.ssl = LoopbackServer.tls(identity);
        this.pattern = new TestPattern(options.width(), options.height());
        this.prerendered = new byte[options.distinctFrames()][];
        for (int i = 0; i < prerendered.length; i++) {
            prerendered[i] = pattern.render(i, "#" + i);
        }
    }

    /** Starts on loopback with the default options; {@code port} 0 picks a free port. */
    public static ChamberSimulator start(int port, String accessCode) {
        return start(port, accessCode, Options.DEFAULT);
    }

    /** With a self-signed certificate of its own, made anew. */
    public static ChamberSimulator start(int port, String accessCode, Options options) {
        return start(port, accessCode, options, ServerCertificate.ephemeral());
    }

    /** Presenting {@code identity} (e.g. a printer certificate issued by a CA: {@code LocalCa}). */
    public static ChamberSimulator start(int port, String accessCode, Options options, ServerCertificate identity) {
        ChamberSimulator sim = new ChamberSimulator(accessCode, options, identity);
        sim.server.bind(port, sim);
        long periodNanos = (long) (1_000_000_000L / options.fps());
        sim.group.next().scheduleAtFixedRate(sim::tick, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        return sim;
    }

    private void accepted(SocketChannel ch) {
        connections.incrementAndGet();
        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new Login());
    }

    @Override
    public int port() {
        return server.port();
    }

    /** Stops listening and drops the viewer, like a printer switched off; {@link #restart()} comes back on the same port. */
    public void stop() {
        server.stop();
    }

    /** Listens again on the same port after {@link #stop()}. */
    public void restart() {
        server.restart();
    }

    /**
     * Sends {@code bytes} to the viewer between two frames, as a TLS record of their own: lets a
     * test play a printer that sends a broken frame or garbage. Returns false without a viewer.
     */
    public boolean inject(byte[] bytes) {
        Channel v = viewer;
        if (v == null) {
            return false;
        }
        v.writeAndFlush(Unpooled.wrappedBuffer(bytes)).syncUninterruptibly();
        return true;
    }

    /** While frozen the viewer stays connected but gets no frames (a hung camera). */
    public void freeze(boolean frozen) {
        this.frozen = frozen;
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Successful logins so far. */
    public int logins() {
        return logins.get();
    }

    /** Frames sent so far. */
    public long framesSent() {
        return frames;
    }

    /** {@link System#nanoTime()} when the last byte of frame {@code number} was handed to the socket, or -1 if unknown. */
    public long sentNanos(long number) {
        int i = (int) (number % SENT_HISTORY);
        synchronized (sentNanos) {
            return sentNumber[i] == number ? sentNanos[i] : -1;
        }
    }

    /** The frame number a simulator stamps in each JPEG, or -1 for another JPEG. */
    public static long frameNumber(byte[] jpeg) {
        return TestPattern.number(jpeg);
    }

    @Override
    public void close() {
        server.stop();
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(1000);
    }

    private void tick() {
        Channel v = viewer;
        if (v == null || !v.isActive() || !v.isWritable() || frozen) {
            return; // a printer skips frames its viewer cannot take
        }
        long number = frames++;
        byte[] jpeg = prerendered.length > 0
                ? TestPattern.stamp(prerendered[(int) (number % prerendered.length)], number)
                : pattern.render(number, LocalTime.now().format(CLOCK));
        v.write(Unpooled.wrappedBuffer(FrameHeader.encode(jpeg.length)));
        v.flush(); // the header goes in a TLS record of its own
        v.writeAndFlush(Unpooled.wrappedBuffer(jpeg)).addListener(f -> {
            if (f.isSuccess()) {
                int i = (int) (number % SENT_HISTORY);
                synchronized (sentNanos) {
                    sentNanos[i] = System.nanoTime();
                    sentNumber[i] = number;
                }
            }
        });
    }

    /** The printer's login rules: 80 bytes within 10 s, right user and code, else close without a byte. */
    private final class Login extends ChannelInboundHandlerAdapter {
        private final byte[] packet = new byte[AuthPacket.LENGTH];
        private int received;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.executor().schedule(() -> {
                if (received < packet.length) {
                    ctx.close();
                }
            }, 10, TimeUnit.SECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (received == packet.length || !(msg instanceof ByteBuf in)) {
                    return;
                }
                int n = Math.min(in.readableBytes(), packet.length - received);
                in.readBytes(packet, received, n);
                received += n;
                if (received == packet.length) {
                    check(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void check(ChannelHandlerContext ctx) {
            boolean ok;
            try {
                ok = AuthPacket.decode(packet).accepts(Bambu.USER, codeField);
            } catch (ChamberProtocolException e) {
                ok = false;
            }
            if (!ok || viewer != null) {
                LOG.debug("Simulated printer: refusing {}", ok ? "a second viewer" : "a wrong login");
                ctx.close();
                return;
            }
            logins.incrementAndGet();
            Channel ch = ctx.channel();
            viewer = ch;
            ch.closeFuture().addListener(f -> {
                if (viewer == ch) {
                    viewer = null;
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
