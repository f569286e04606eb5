package com.pandaproxy.rtsp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pandaproxy.testutil.Fuzz;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * RTSP's parsers with fuzzed bytes: the TCP stream of requests, answers and interleaved frames
 * (framer, Netty's decoder and aggregator), then the header values and the SDP they carry
 * (the SDP as the server and relay use it: {@code server/ServerFuzzTest}).
 * Their protocol exception is IllegalArgumentException (answered with 400, or a dropped upstream).
 */
class RtspFuzzTest {
    /** Header section, body, and one interleaved frame at most, twice over for the decoders' copies. */
    private static final long MAX_HELD = 2L * (RtspFramer.DEFAULT_MAX_HEADER_BYTES + RtspFramer.DEFAULT_MAX_BODY
            + InterleavedEncoder.HEADER_LENGTH + InterleavedEncoder.MAX_PAYLOAD);

    /** What a client sends the server, or the printer the upstream: one stream, both kinds of message. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void tcpStream(byte[] stream) {
        Fuzz.Decoding decoding = new Fuzz.Decoding(MAX_HELD, RtspCodec::install,
                CorruptedFrameException.class, TooLongFrameException.class);
        decoding.feed(stream, msg -> {
            if (msg instanceof InterleavedFrame frame) {
                assertTrue(frame.content().readableBytes() <= InterleavedEncoder.MAX_PAYLOAD);
            } else if (msg instanceof FullHttpMessage m && m.decoderResult().isSuccess()) {
                assertTrue(m.content().readableBytes() <= RtspFramer.DEFAULT_MAX_BODY);
                headers(m);
            } else {
                assertTrue(msg instanceof FullHttpRequest || msg instanceof FullHttpResponse, msg.getClass().getName());
            }
        });
    }

    /** What the server and the upstream read out of a message's headers and body. */
    private static void headers(FullHttpMessage m) {
        String transport = m.headers().get(RtspHeaderNames.TRANSPORT);
        String session = m.headers().get(RtspHeaderNames.SESSION);
        String rtpInfo = m.headers().get(RtspHeaderNames.RTP_INFO);
        tolerate(() -> Transport.parseOffers(transport == null ? "" : transport));
        tolerate(() -> Transport.parseList(transport == null ? "" : transport));
        tolerate(() -> SessionHeader.parse(session == null ? "" : session));
        tolerate(() -> RtpInfo.parse(rtpInfo == null ? "" : rtpInfo));
        if (m instanceof FullHttpRequest r) {
            tolerate(() -> RtspUrls.withoutUserInfo(r.uri()));
            tolerate(() -> RtspUrls.path(r.uri()));
        } else {
            String base = m.headers().get(RtspHeaderNames.CONTENT_BASE);
            tolerate(() -> RtspUrls.base("rtsp://10.0.0.2/streaming/live/1", base, m.headers().get(RtspHeaderNames.CONTENT_LOCATION)));
            tolerate(() -> Sdp.parse(m.content().toString(StandardCharsets.UTF_8)));
        }
    }

    /** A Transport header, as offered by a client's SETUP or answered by the printer's. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void transport(byte[] header) {
        String value = new String(header, StandardCharsets.ISO_8859_1);
        tolerate(() -> {
            for (Transport t : Transport.parseOffers(value)) {
                t.interleaved();
                t.clientPort();
                t.format();
            }
        });
        tolerate(() -> Transport.parse(value).with("ssrc", "00000001").format());
    }

    /** Runs {@code parse}; IllegalArgumentException is the parsers' verdict on bad input, anything else escapes. */
    static void tolerate(Runnable parse) {
        try {
            parse.run();
        } catch (IllegalArgumentException bad) {
            // refused: what the callers expect
        }
    }
}
