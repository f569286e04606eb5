package com.pandaproxy.chamber;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FrameHeaderTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesTheWireBytes() {
        assertArrayEquals(HEX.parseHex("39300100" + "00000000" + "01000000" + "00000000"), FrameHeader.encode(77881));
    }

    @Test
    void decodesTheSizeAtAnIndex() {
        assertEquals(77881, FrameHeader.jpegSize(Unpooled.wrappedBuffer(HEX.parseHex("ff" + "39300100000000000100000000000000")), 1));
        assertEquals(FrameHeader.MAX_SIZE, FrameHeader.jpegSize(Unpooled.wrappedBuffer(FrameHeader.encode(FrameHeader.MAX_SIZE)), 0));
        assertEquals(1, FrameHeader.jpegSize(Unpooled.wrappedBuffer(FrameHeader.encode(1)), 0));
    }

    @Test
    void sizesOutsideOneByteToTenMegabytesMakeNoSense() {
        for (String size : new String[] {"00000000", "0100a000", "ffffffff"}) {
            assertThrows(ChamberProtocolException.class,
                    () -> FrameHeader.jpegSize(Unpooled.wrappedBuffer(HEX.parseHex(size + "000000000100000000000000")), 0), size);
        }
        assertThrows(IllegalArgumentException.class, () -> FrameHeader.encode(0));
        assertThrows(IllegalArgumentException.class, () -> FrameHeader.encode(FrameHeader.MAX_SIZE + 1));
    }

    @Test
    void recognisesJpegMarkers() {
        assertTrue(FrameHeader.isJpeg(Unpooled.wrappedBuffer(HEX.parseHex("00ffd8ffe0ffd9")), 1, 6));
        assertFalse(FrameHeader.isJpeg(Unpooled.wrappedBuffer(HEX.parseHex("ffd8ffe0ffd8")), 0, 6));
        assertFalse(FrameHeader.isJpeg(Unpooled.wrappedBuffer(HEX.parseHex("89504e47ffd9")), 0, 6));
        assertFalse(FrameHeader.isJpeg(Unpooled.wrappedBuffer(HEX.parseHex("ffd9")), 0, 2));
    }
}
