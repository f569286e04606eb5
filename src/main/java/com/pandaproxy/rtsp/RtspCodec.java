package com.pandaproxy.rtsp;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.rtsp.RtspDecoder;

/**
 * Installs the RTSP-over-TCP codec on a pipeline (after TLS, if any). Inbound the next handler
 * gets {@code FullHttpRequest} / {@code FullHttpResponse} (RTSP/1.0 messages, check
 * {@code decoderResult()}: a malformed message arrives as a failed one) and {@link InterleavedFrame}s,
 * in stream order. Outbound it takes {@code HttpRequest}/{@code HttpResponse} (full messages),
 * {@link InterleavedFrame}s, and raw {@code ByteBuf}s (passed through untouched, for the relay's
 * pre-built interleaved header + shared payload). Header names go out in RFC 2326's spelling
 * ({@link CanonicalRtspEncoder}).
 */
public final class RtspCodec {
    public static final String FRAMER = "rtsp-framer";
    public static final String DECODER = "rtsp-decoder";
    public static final String AGGREGATOR = "rtsp-aggregator";
    public static final String ENCODER = "rtsp-encoder";
    public static final String INTERLEAVED_ENCODER = "rtsp-interleaved-encoder";

    private static final InterleavedEncoder INTERLEAVED = new InterleavedEncoder();

    private RtspCodec() {
    }

    public static void install(ChannelPipeline pipeline) {
        pipeline.addLast(FRAMER, new RtspFramer());
        pipeline.addLast(DECODER, new RtspDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(RtspFramer.DEFAULT_MAX_HEADER_BYTES)
                .setMaxHeaderSize(RtspFramer.DEFAULT_MAX_HEADER_BYTES)
                .setMaxChunkSize(RtspFramer.DEFAULT_MAX_BODY)));
        pipeline.addLast(AGGREGATOR, new HttpObjectAggregator(RtspFramer.DEFAULT_MAX_BODY));
        pipeline.addLast(ENCODER, new CanonicalRtspEncoder());
        pipeline.addLast(INTERLEAVED_ENCODER, INTERLEAVED);
    }
}
