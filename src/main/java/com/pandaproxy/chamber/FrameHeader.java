package com.pandaproxy.chamber;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 16 bytes before every JPEG, little-endian: u32 JPEG size, u32 0, u32 1, u32 0.
 * Printers send it as a TLS record of its own, and strict clients depend on that.
 */
public final class FrameHeader {
    public static final int LENGTH = 16;
    public static final int MIN_SIZE = 1;
    public static final int MAX_SIZE = 10 * 1024 * 1024;

    private FrameHeader() {
    }

    /** The header for a JPEG of {@code size} bytes. */
    public static byte[] encode(int size) {
        checkSize(size);
        return ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(size).putInt(0).putInt(1).putInt(0).array();
    }

    /** The JPEG size announced by the header at {@code index}; out of 1 B..10 MB means the stream makes no sense. */
    public static int jpegSize(ByteBuf buf, int index) {
        long size = buf.getUnsignedIntLE(index);
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new ChamberProtocolException("frame size " + size + " is outside 1 byte to 10 MB");
        }
        return (int) size;
    }

    /** Whether the {@code length} bytes at {@code index} start with FF D8 and end with FF D9. */
    public static boolean isJpeg(ByteBuf buf, int index, int length) {
        return length >= 4
                && buf.getUnsignedShort(index) == 0xFFD8
                && buf.getUnsignedShort(index + length - 2) == 0xFFD9;
    }

    private static void checkSize(int size) {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("frame size " + size + " is outside 1 byte to 10 MB");
        }
    }
}
