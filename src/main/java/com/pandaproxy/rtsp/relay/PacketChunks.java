package com.pandaproxy.rtsp.relay;

import com.pandaproxy.rtsp.InterleavedEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Copies each relayed RTP packet, once, into a shared chunk as a whole interleaved frame for its
 * track's usual channel ({@code $}, {@link RelayPacket#usualChannel}, 16-bit length, packet: RFC
 * 2326 §10.12), each frame right after the previous one. A TCP client on the usual channels then
 * sends a run of consecutive packets as one slice of the chunk: per packet and client there is
 * no header, wrapper or write of its own. UDP clients and clients on other channels use the packet
 * alone ({@link RelayPacket#content()}). A chunk lives as long as any packet or slice of it.
 * Used only on the relay's event loop.
 */
final class PacketChunks {
    /** Room for several P frames or a part of a keyframe: a burst is one or a few slices. */
    static final int CHUNK_SIZE = 64 * 1024;

    private final ByteBufAllocator alloc;
    private final int chunkSize;
    private ByteBuf chunk;

    PacketChunks(ByteBufAllocator alloc) {
        this(alloc, CHUNK_SIZE);
    }

    PacketChunks(ByteBufAllocator alloc, int chunkSize) {
        this.alloc = alloc;
        this.chunkSize = chunkSize;
    }

    ByteBufAllocator alloc() {
        return alloc;
    }

    /**
     * Frames a copy of {@code rtp} (its readable bytes, at most {@link InterleavedEncoder#MAX_PAYLOAD})
     * for a track up to {@link RelayPacket#MAX_TRACK}. The caller keeps its own reference to {@code rtp}.
     */
    RelayPacket append(int track, ByteBuf rtp) {
        int channel = RelayPacket.usualChannel(track);
        int len = rtp.readableBytes();
        int frame = InterleavedEncoder.HEADER_LENGTH + len;
        if (chunk == null || chunk.capacity() - chunk.writerIndex() < frame) {
            release();
            int size = Math.max(chunkSize, frame);
            chunk = alloc.directBuffer(size, size);
        }
        int offset = chunk.writerIndex();
        InterleavedEncoder.writeHeader(chunk, channel, len);
        chunk.writeBytes(rtp, rtp.readerIndex(), len);
        return new RelayPacket(track, chunk.retainedSlice(offset + InterleavedEncoder.HEADER_LENGTH, len), chunk, offset);
    }

    /** Drops the reference to the chunk being filled; packets and slices keep theirs. */
    void release() {
        if (chunk != null) {
            chunk.release();
            chunk = null;
        }
    }
}
