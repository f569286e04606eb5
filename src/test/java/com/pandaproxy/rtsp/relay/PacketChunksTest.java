package com.pandaproxy.rtsp.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class PacketChunksTest {
    final PacketChunks chunks = new PacketChunks(new UnpooledByteBufAllocator(false), 32);

    static ByteBuf bytes(int... b) {
        ByteBuf buf = Unpooled.buffer(b.length);
        for (int x : b) {
            buf.writeByte(x);
        }
        return buf;
    }

    @Test
    void framesEachPacketOnItsTracksUsualChannelOneAfterTheOther() {
        ByteBuf a = bytes(0x80, 0x60, 0, 1, 9);
        ByteBuf b = bytes(0x80, 0x61, 0, 2);
        RelayPacket pa = chunks.append(0, a);
        RelayPacket pb = chunks.append(1, b);
        assertSame(pa.chunk(), pb.chunk());
        assertEquals(0, pa.frameOffset());
        assertEquals(9, pa.frameLength());
        assertEquals(9, pb.frameOffset());
        assertEquals(8, pb.frameLength());
        assertArrayEquals(new byte[] {'$', 0, 0, 5, (byte) 0x80, 0x60, 0, 1, 9, '$', 2, 0, 4, (byte) 0x80, 0x61, 0, 2},
                ByteBufUtil.getBytes(pa.chunk(), 0, 17));
        assertArrayEquals(ByteBufUtil.getBytes(a), ByteBufUtil.getBytes(pa.content()));
        assertArrayEquals(ByteBufUtil.getBytes(b), ByteBufUtil.getBytes(pb.content()));
        // the caller's buffer is copied, not taken
        assertEquals(0, a.readerIndex());
        assertEquals(1, a.refCnt());
        pa.release();
        pb.release();
        chunks.release();
    }

    @Test
    void aPacketThatDoesNotFitStartsANewChunkAndChunksLiveWhileTheirPacketsDo() {
        RelayPacket first = chunks.append(0, Unpooled.wrappedBuffer(new byte[20]));
        RelayPacket second = chunks.append(0, Unpooled.wrappedBuffer(new byte[20]));
        assertNotSame(first.chunk(), second.chunk());
        assertEquals(0, second.frameOffset());
        ByteBuf old = first.chunk();
        assertEquals(1, old.refCnt());
        first.release();
        assertEquals(0, old.refCnt());
        // larger than a chunk: a chunk of its own size
        RelayPacket big = chunks.append(3, Unpooled.wrappedBuffer(new byte[100]));
        assertEquals(104, big.chunk().capacity());
        assertArrayEquals(new byte[] {'$', 6, 0, 100}, ByteBufUtil.getBytes(big.chunk(), 0, 4));
        ByteBuf bigChunk = big.chunk();
        second.release();
        big.release();
        chunks.release();
        assertEquals(0, bigChunk.refCnt());
    }
}
