package com.pandaproxy.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits an RTSP-over-TCP byte stream into interleaved binary frames ({@link InterleavedFrame})
 * and whole RTSP messages (each passed on as one {@link ByteBuf} holding exactly one message with
 * its body, for Netty's {@code RtspDecoder} behind it). Correct wherever the reads split the
 * stream. Bounded: header section size, header count and body size; anything that does not start
 * like an RTSP message or a {@code $} frame is rejected with a {@link CorruptedFrameException}.
 */
public final class RtspFramer extends ByteToMessageDecoder {
    public static final int DEFAULT_MAX_HEADER_BYTES = 8192;
    public static final int DEFAULT_MAX_HEADERS = 64;
    public static final int DEFAULT_MAX_BODY = 64 * 1024;

    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final int maxHeaderBytes;
    private final int maxHeaders;
    private final int maxBody;
    private boolean failed;

    public RtspFramer() {
        this(DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_HEADERS, DEFAULT_MAX_BODY);
    }

    public RtspFramer(int maxHeaderBytes, int maxHeaders, int maxBody) {
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxHeaders = maxHeaders;
        this.maxBody = maxBody;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            // after bad input the stream has no trustworthy boundaries left: drop the rest
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            split(in, out);
        } catch (RuntimeException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void split(ByteBuf in, List<Object> out) {
        while (true) {
            // blank lines between messages are allowed (some clients send a CRLF keepalive)
            while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
                in.skipBytes(1);
            }
            if (!in.isReadable()) {
                return;
            }
            int start = in.readerIndex();
            byte first = in.getByte(start);
            if (first == '$') {
                if (in.readableBytes() < InterleavedEncoder.HEADER_LENGTH) {
                    return;
                }
                int channel = in.getUnsignedByte(start + 1);
                int length = in.getUnsignedShort(start + 2);
                if (in.readableBytes() < InterleavedEncoder.HEADER_LENGTH + length) {
                    return;
                }
                in.skipBytes(InterleavedEncoder.HEADER_LENGTH);
                out.add(new InterleavedFrame(channel, in.readRetainedSlice(length)));
                continue;
            }
            if (first < 'A' || first > 'Z') {
                throw new CorruptedFrameException("not an RTSP message or interleaved frame (first byte 0x"
                        + Integer.toHexString(first & 0xFF) + ")");
            }
            int total = messageLength(in, start);
            if (total < 0 || in.readableBytes() < total) {
                return;
            }
            out.add(in.readRetainedSlice(total));
        }
    }

    /** Length of the whole message starting at {@code start}, or -1 if more bytes are needed. */
    private int messageLength(ByteBuf in, int start) {
        int end = in.writerIndex();
        int lineStart = start;
        int lines = 0;
        int contentLength = 0;
        while (true) {
            int nl = in.indexOf(lineStart, Math.min(end, start + maxHeaderBytes), (byte) '\n');
            if (nl < 0) {
                if (end - start >= maxHeaderBytes) {
                    throw new TooLongFrameException("RTSP header section longer than " + maxHeaderBytes + " bytes");
                }
                return -1;
            }
            int lineEnd = nl > lineStart && in.getByte(nl - 1) == '\r' ? nl - 1 : nl;
            if (lineEnd == lineStart) {
                int headerBytes = nl + 1 - start;
                return headerBytes + contentLength;
            }
            if (++lines > maxHeaders + 1) {
                throw new TooLongFrameException("more than " + maxHeaders + " RTSP headers");
            }
            if (lines > 1 && isHeader(in, lineStart, lineEnd, CONTENT_LENGTH)) {
                contentLength = parseContentLength(in, lineStart + CONTENT_LENGTH.length, lineEnd);
            } else if (lines > 1 && isHeader(in, lineStart, lineEnd, TRANSFER_ENCODING)) {
                // RTSP has no chunked bodies; Netty's decoder would read the next frames as chunks
                throw new CorruptedFrameException("Transfer-Encoding in an RTSP message");
            }
            lineStart = nl + 1;
        }
    }

    /**
     * Whether the header line is named {@code name}, read as Netty's decoder behind us reads an
     * answer's header: the name ends at the first colon, space or tab, and the value follows the
     * first colon. (A request's name with whitespace in it is refused there either way.) Read
     * the same way, or the two would disagree on where a message ends.
     */
    private static boolean isHeader(ByteBuf in, int from, int to, byte[] name) {
        if (to - from <= name.length || in.indexOf(from, to, (byte) ':') < 0) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            int c = in.getByte(from + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != name[i]) {
                return false;
            }
        }
        byte after = in.getByte(from + name.length);
        return after == ':' || after == ' ' || after == '\t';
    }

    private int parseContentLength(ByteBuf in, int from, int to) {
        int i = in.indexOf(from, to, (byte) ':') + 1;
        while (i < to && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
            i++;
        }
        int end = to;
        while (end > i && (in.getByte(end - 1) == ' ' || in.getByte(end - 1) == '\t')) {
            end--;
        }
        if (i == end) {
            throw new CorruptedFrameException("empty Content-Length");
        }
        long value = 0;
        for (int j = i; j < end; j++) {
            byte c = in.getByte(j);
            if (c < '0' || c > '9') {
                throw new CorruptedFrameException("bad Content-Length");
            }
            value = value * 10 + (c - '0');
            if (value > maxBody) {
                throw new TooLongFrameException("RTSP body longer than " + maxBody + " bytes");
            }
        }
        return (int) value;
    }
}
