package com.pandaproxy.chamber;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private static final byte[] JPEG = HexFormat.of().parseHex("ffd8ffe000104a46494600ffd9");
    private static final byte[] NOT_JPEG = HexFormat.of().parseHex("89504e470d0a1a0a");

    private static byte[] frame(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(FrameHeader.encode(jpeg.length));
        out.writeBytes(jpeg);
        return out.toByteArray();
    }

    private static byte[] read(EmbeddedChannel ch) {
        ByteBuf frame = ch.readInbound();
        if (frame == null) {
            return null;
        }
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    @Test
    void emitsHeaderAndJpegAsReceived() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(frame(JPEG)));
        assertArrayEquals(frame(JPEG), read(ch));
        assertNull(read(ch));
        assertFalse(ch.finish());
    }

    @Test
    void reassemblesAFrameSentByteByByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
        for (byte b : frame(JPEG)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertArrayEquals(frame(JPEG), read(ch));
        assertFalse(ch.finish());
    }

    @Test
    void splitsFramesSharingABuffer() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
        byte[] two = new byte[frame(JPEG).length * 2 + 5];
        System.arraycopy(frame(JPEG), 0, two, 0, frame(JPEG).length);
        System.arraycopy(frame(JPEG), 0, two, frame(JPEG).length, frame(JPEG).length);
        System.arraycopy(frame(JPEG), 0, two, frame(JPEG).length * 2, 5);
        ch.writeInbound(Unpooled.wrappedBuffer(two));
        assertArrayEquals(frame(JPEG), read(ch));
        assertArrayEquals(frame(JPEG), read(ch));
        assertNull(read(ch));
        assertFalse(ch.finish()); // the half header left over is released with the decoder
    }

    @Test
    void dropsAndCountsAFrameThatIsNotJpeg() {
        FrameDecoder decoder = new FrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.wrappedBuffer(frame(NOT_JPEG)));
        byte[] truncatedJpeg = Arrays.copyOf(JPEG, JPEG.length - 1);
        ch.writeInbound(Unpooled.wrappedBuffer(frame(truncatedJpeg)));
        ch.writeInbound(Unpooled.wrappedBuffer(frame(JPEG)));
        assertArrayEquals(frame(JPEG), read(ch));
        assertNull(read(ch));
        assertEquals(2, decoder.badFrames());
        assertFalse(ch.finish());
    }

    @Test
    void tooManyBadFramesInARowMakeNoSense() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(frame(NOT_JPEG)));
        ch.writeInbound(Unpooled.wrappedBuffer(frame(NOT_JPEG)));
        assertThrows(ChamberProtocolException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(frame(NOT_JPEG))));
        ch.finishAndReleaseAll();
    }

    @Test
    void sizeOutOfRangeMakesNoSense() {
        EmbeddedChannel zero = new EmbeddedChannel(new FrameDecoder());
        assertThrows(ChamberProtocolException.class, () -> zero.writeInbound(
                Unpooled.wrappedBuffer(HexFormat.of().parseHex("00000000000000000100000000000000ffd8"))));
        zero.finishAndReleaseAll();
        EmbeddedChannel huge = new EmbeddedChannel(new FrameDecoder());
        assertThrows(ChamberProtocolException.class, () -> huge.writeInbound(
                Unpooled.wrappedBuffer(HexFormat.of().parseHex("0100a000000000000100000000000000"))));
        huge.finishAndReleaseAll();
    }

    @Test
    void httpTextIsNotAStream() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
        // "GET / HT" read as a little-endian size is far above 10 MB
        assertThrows(ChamberProtocolException.class, () -> ch.writeInbound(
                Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        ch.finishAndReleaseAll();
    }

    @Test
    void halfAFrameThenCloseReleasesTheBuffer() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(frame(JPEG), 20)));
        assertNull(read(ch));
        assertFalse(ch.finish());
    }
}
