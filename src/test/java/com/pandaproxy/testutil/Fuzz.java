package com.pandaproxy.testutil;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assertions;

/**
 * What the fuzz targets share (the {@code *FuzzTest} classes; DEVELOPERS.md says how to add one).
 * Every target holds three rules: no exception but the parser's own protocol exception escapes,
 * memory stays bounded however much is fed, and every buffer is released ({@link Decoding}).
 */
public final class Fuzz {
    /**
     * How long {@code JAZZER_FUZZ=1} fuzzes one target (.ci/run fuzzes each in turn). Without
     * that variable a target only replays its inputs under src/test/resources, in milliseconds.
     */
    public static final String DURATION = "15s";

    private Fuzz() {
    }

    /**
     * Runs {@code body} with the log caught instead of printed (slf4j-simple looks up System.err
     * for each line) and returns it: for handlers that turn any exception into one log line and a
     * close, where the line is the only sign of an exception that should not have happened.
     */
    public static String logged(Runnable body) {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    /**
     * Netty decoders in an {@link EmbeddedChannel}, fed a byte stream the way reads would cut it.
     * The input's first byte says how: its low two bits the cut (0 all in one read, 1 byte by
     * byte, 2 pieces of 1, 3, 16, 100, 1460 and 7 bytes in turn, 3 pieces of 5 and 512), the other
     * six how many times the rest is sent in a row (1 to 64), so that a long stream is tried too.
     * A seed is that byte (00: once, in one read) followed by what a peer would send. Each message
     * that comes out is handed to {@code check} and released; what the handlers write (answers to
     * the peer) is released unread. Buffers come from an allocator of its own, so after each read
     * the bytes held are known, and after the end they must be zero.
     */
    public static final class Decoding {
        private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        private final EmbeddedChannel channel;
        private final long maxHeld;
        private final Class<? extends Throwable>[] expected;

        /**
         * @param maxHeld  most bytes the decoders may hold between reads
         * @param expected the protocol exceptions the decoders may raise (inside a DecoderException)
         */
        @SafeVarargs
        public Decoding(long maxHeld, List<ChannelHandler> handlers, Class<? extends Throwable>... expected) {
            this(maxHeld, pipeline -> handlers.forEach(pipeline::addLast), expected);
        }

        /** @param setup adds the decoders to the pipeline */
        @SafeVarargs
        public Decoding(long maxHeld, Consumer<ChannelPipeline> setup, Class<? extends Throwable>... expected) {
            this.maxHeld = maxHeld;
            this.expected = expected;
            this.channel = new EmbeddedChannel();
            channel.config().setAllocator(alloc);
            setup.accept(channel.pipeline());
        }

        public ByteBufAllocator alloc() {
            return alloc;
        }

        /** Feeds {@code input} (see above); returns normally, or after the decoders failed the way they may. */
        public void feed(byte[] input, Consumer<Object> check) {
            int how = input.length == 0 ? 0 : input[0] & 0xFF;
            byte[] stream = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
            int[] cuts = switch (how & 3) {
                case 0 -> new int[] {Math.max(1, stream.length)};
                case 1 -> new int[] {1};
                case 2 -> new int[] {1, 3, 16, 100, 1460, 7};
                default -> new int[] {5, 512};
            };
            try {
                for (int round = 0, repeats = 1 + (how >>> 2); round < repeats && channel.isOpen(); round++) {
                    for (int at = 0, cut = 0; at < stream.length && channel.isOpen(); cut++) {
                        int length = Math.min(cuts[cut % cuts.length], stream.length - at);
                        channel.writeInbound(Unpooled.wrappedBuffer(stream, at, length));
                        at += length;
                        drain(check);
                        long held = held();
                        if (held > maxHeld) {
                            Assertions.fail("decoders hold " + held + " bytes, more than " + maxHeld);
                        }
                    }
                }
                channel.finish();
                drain(check);
            } catch (DecoderException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (Arrays.stream(expected).noneMatch(t -> t.isInstance(cause))) {
                    throw e;
                }
            } finally {
                channel.finishAndReleaseAll();
            }
            if (held() != 0) {
                Assertions.fail(held() + " bytes still held after the end: a buffer was not released");
            }
        }

        private void drain(Consumer<Object> check) {
            for (Object msg; (msg = channel.readInbound()) != null; ) {
                try {
                    check.accept(msg);
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
            for (Object written; (written = channel.readOutbound()) != null; ) {
                ReferenceCountUtil.release(written);
            }
        }

        private long held() {
            return alloc.metric().usedHeapMemory() + alloc.metric().usedDirectMemory();
        }
    }
}
