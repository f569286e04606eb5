package com.pandaproxy.rtsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RtspFramerTest {
    private static final String DESCRIBE = "DESCRIBE rtsp://10.0.0.2:322/streaming/live/1 RTSP/1.0\r\n"
            + "CSeq: 2\r\nAccept: application/sdp\r\nUser-Agent: Lavf60.16.100\r\n\r\n";
    private static final String SET_PARAMETER = "SET_PARAMETER rtsp://10.0.0.2/stream RTSP/1.0\r\n"
            + "CSeq: 7\r\ncontent-length: 10\r\nContent-Type: text/parameters\r\n\r\nfoo: bar\r\n";
    private static final String RESPONSE = "RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Type: application/sdp\r\n"
            + "Content-Length: 5\r\n\r\nv=0\r\n";

    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(DESCRIBE.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {'$', 0, 0, 3, 1, 2, 3});
        out.writeBytes(new byte[] {'$', 1, 0, 0});
        out.writeBytes(SET_PARAMETER.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII)); // blank-line keepalive
        out.writeBytes(new byte[] {'$', 2, 0, 2, 'R', 'T'});
        return out.toByteArray();
    }

    private static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        RtspCodec.install(ch.pipeline());
        return ch;
    }

    private static List<Object> drain(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            out.add(m);
        }
        return out;
    }

    private static void assertStream(List<Object> msgs) {
        assertEquals(5, msgs.size(), msgs.toString());
        FullHttpRequest describe = assertInstanceOf(FullHttpRequest.class, msgs.get(0));
        assertTrue(describe.decoderResult().isSuccess());
        assertEquals(RtspMethods.DESCRIBE, describe.method());
        assertEquals("rtsp://10.0.0.2:322/streaming/live/1", describe.uri());
        assertEquals(RtspVersions.RTSP_1_0, describe.protocolVersion());
        assertEquals("2", describe.headers().get(RtspHeaderNames.CSEQ));
        InterleavedFrame f0 = assertInstanceOf(InterleavedFrame.class, msgs.get(1));
        assertEquals(0, f0.channel());
        assertArrayEquals(new byte[] {1, 2, 3}, ByteBufUtil.getBytes(f0.content()));
        InterleavedFrame f1 = assertInstanceOf(InterleavedFrame.class, msgs.get(2));
        assertEquals(1, f1.channel());
        assertEquals(0, f1.content().readableBytes());
        FullHttpRequest set = assertInstanceOf(FullHttpRequest.class, msgs.get(3));
        assertEquals("SET_PARAMETER", set.method().name());
        assertEquals("foo: bar\r\n", set.content().toString(StandardCharsets.US_ASCII));
        InterleavedFrame f2 = assertInstanceOf(InterleavedFrame.class, msgs.get(4));
        assertEquals(2, f2.channel());
        msgs.forEach(ReferenceCountUtil::release);
    }

    @Test
    void decodesMixedStreamInOneRead() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(stream()));
        assertStream(drain(ch));
        assertFalse(ch.finish());
    }

    @Test
    void decodesMixedStreamSplitAnywhere() {
        byte[] all = stream();
        for (int split = 1; split < all.length; split++) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(all, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(all, split, all.length - split));
            assertStream(drain(ch));
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void decodesMixedStreamByteByByte() {
        EmbeddedChannel ch = channel();
        for (byte b : stream()) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertStream(drain(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void decodesResponsesAmongFrames() {
        EmbeddedChannel ch = channel();
        byte[] frame = {'$', 0, 0, 1, 9};
        byte[] resp = RESPONSE.getBytes(StandardCharsets.US_ASCII);
        ch.writeInbound(Unpooled.wrappedBuffer(frame), Unpooled.wrappedBuffer(resp), Unpooled.wrappedBuffer(frame));
        List<Object> msgs = drain(ch);
        assertEquals(3, msgs.size());
        FullHttpResponse r = assertInstanceOf(FullHttpResponse.class, msgs.get(1));
        assertEquals(200, r.status().code());
        assertEquals("v=0\r\n", r.content().toString(StandardCharsets.US_ASCII));
        msgs.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
    }

    /**
     * Netty's decoder reads an answer's header name up to the first colon or whitespace, its value
     * after the first colon ("Content-Length :5" is 5); the framer frames the body the same way, or
     * the decoder would take the next frame as the body (RtspFuzzTest).
     */
    @ParameterizedTest
    @ValueSource(strings = {"Content-Length \t: 5", "Content-Length\t\u0000x: 5"})
    void anAnswersContentLengthIsReadAsNettyReadsIt(String header) {
        EmbeddedChannel ch = channel();
        byte[] frame = {'$', 0, 0, 1, 9};
        byte[] resp = RESPONSE.replace("Content-Length: 5", header).getBytes(StandardCharsets.US_ASCII);
        ch.writeInbound(Unpooled.wrappedBuffer(resp), Unpooled.wrappedBuffer(frame));
        List<Object> msgs = drain(ch);
        assertEquals(2, msgs.size(), msgs.toString());
        FullHttpResponse r = assertInstanceOf(FullHttpResponse.class, msgs.get(0));
        assertEquals("v=0\r\n", r.content().toString(StandardCharsets.US_ASCII));
        assertInstanceOf(InterleavedFrame.class, msgs.get(1));
        msgs.forEach(ReferenceCountUtil::release);
        assertFalse(ch.finish(), "nothing left half-aggregated");
    }

    /** RTSP has no chunked bodies: Netty's decoder would take the frames after it as chunks. */
    @Test
    void transferEncodingIsRefused() {
        EmbeddedChannel ch = channel();
        byte[] resp = RESPONSE.replace("Content-Length: 5", "Transfer-Encoding: chunked").getBytes(StandardCharsets.US_ASCII);
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(resp)));
        ch.finishAndReleaseAll();
    }

    @Test
    void malformedRequestLineArrivesAsFailedMessage() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("HELLO\r\n\r\n", StandardCharsets.US_ASCII));
        Object m = ch.readInbound();
        assertNotNullFailed(m);
        ReferenceCountUtil.release(m);
        ch.finishAndReleaseAll();
    }

    private static void assertNotNullFailed(Object m) {
        assertTrue(m instanceof io.netty.handler.codec.http.HttpObject, String.valueOf(m));
        assertTrue(((io.netty.handler.codec.http.HttpObject) m).decoderResult().isFailure());
    }

    @Test
    void rejectsBinaryGarbage() {
        EmbeddedChannel ch = channel();
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 3, 1, 0, 5})));
        assertTrue(e.getMessage().contains("0x16"));
        ch.finishAndReleaseAll();
    }

    @Test
    void boundsHeaderSectionEvenWithoutLineEnd() {
        EmbeddedChannel ch = channel();
        byte[] big = new byte[RtspFramer.DEFAULT_MAX_HEADER_BYTES + 10];
        java.util.Arrays.fill(big, (byte) 'A');
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(big)));
        // the rest of the stream is dropped, also at close
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'$', 0, 0, 0}));
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void boundsHeaderCount() {
        EmbeddedChannel ch = channel();
        StringBuilder sb = new StringBuilder("OPTIONS * RTSP/1.0\r\n");
        for (int i = 0; i < 70; i++) {
            sb.append("X-").append(i).append(": 1\r\n");
        }
        sb.append("\r\n");
        assertThrows(DecoderException.class, () -> ch.writeInbound(Unpooled.copiedBuffer(sb, StandardCharsets.US_ASCII)));
        ch.finishAndReleaseAll();
    }

    @Test
    void boundsBodyAndRejectsBadContentLength() {
        EmbeddedChannel ch = channel();
        assertThrows(DecoderException.class, () -> ch.writeInbound(Unpooled.copiedBuffer(
                "ANNOUNCE rtsp://h/ RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 99999999\r\n\r\n", StandardCharsets.US_ASCII)));
        ch.finishAndReleaseAll();
        EmbeddedChannel ch2 = channel();
        assertThrows(DecoderException.class, () -> ch2.writeInbound(Unpooled.copiedBuffer(
                "ANNOUNCE rtsp://h/ RTSP/1.0\r\nCSeq: 1\r\nContent-Length: -1\r\n\r\n", StandardCharsets.US_ASCII)));
        ch2.finishAndReleaseAll();
    }

    @Test
    void waitsForWholeBody() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer(SET_PARAMETER.substring(0, SET_PARAMETER.length() - 3), StandardCharsets.US_ASCII));
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.copiedBuffer("\n\r\n".substring(0, 3), StandardCharsets.US_ASCII));
        // the last three bytes were "r\r\n": only two of them are needed to finish "bar\r\n"
        FullHttpRequest r = ch.readInbound();
        assertEquals(10, r.content().readableBytes());
        r.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void encodesResponsesAndFrames() {
        EmbeddedChannel ch = channel();
        FullHttpResponse resp = new DefaultFullHttpResponse(RtspVersions.RTSP_1_0, RtspResponseStatuses.OK);
        resp.headers().set(RtspHeaderNames.CSEQ, "4");
        ch.writeOutbound(resp);
        ch.writeOutbound(new InterleavedFrame(3, Unpooled.wrappedBuffer(new byte[] {7, 8})));
        ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {42});
        ch.writeOutbound(raw);
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.writeBytes(b);
            b.release();
        }
        String text = out.toString(StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("RTSP/1.0 200 OK\r\n"), text);
        assertTrue(text.contains("CSeq: 4\r\n"), text);
        assertTrue(text.endsWith("\r\n\r\n$\u0003\u0000\u0002\u0007\u0008*"), text);
        out.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void interleavedHeaderIsBounded() {
        assertThrows(IllegalArgumentException.class, () -> InterleavedEncoder.writeHeader(Unpooled.buffer(), 256, 1));
        assertThrows(IllegalArgumentException.class, () -> InterleavedEncoder.writeHeader(Unpooled.buffer(), 0, 65536));
        ByteBuf h = InterleavedEncoder.header(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, 1, 0x1234);
        assertArrayEquals(new byte[] {'$', 1, 0x12, 0x34}, ByteBufUtil.getBytes(h));
        h.release();
    }
}
