package com.pandaproxy.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pandaproxy.testutil.Fuzz;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** The chamber-image protocol's parsers with fuzzed bytes: a client's login, the printer's frame stream. */
class ChamberFuzzTest {
    /** A client's 80-byte login (any length arrives here: the login handler passes exactly 80). */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void loginPacket(byte[] packet) {
        try {
            AuthPacket login = AuthPacket.decode(packet);
            assertEquals(AuthPacket.LENGTH, packet.length);
            login.accepts("bblp", AuthPacket.field("12345678"));
        } catch (ChamberProtocolException refused) {
            // the parser's own verdict
        }
    }

    /** The printer's stream: every frame passed on is a whole header plus a JPEG of the announced size. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void printerFrames(byte[] stream) {
        Fuzz.Decoding decoding = new Fuzz.Decoding(FrameHeader.LENGTH + FrameHeader.MAX_SIZE + 4096,
                List.of(new FrameDecoder()), ChamberProtocolException.class);
        decoding.feed(stream, msg -> {
            ByteBuf frame = (ByteBuf) msg;
            int size = FrameHeader.jpegSize(frame, frame.readerIndex());
            assertEquals(FrameHeader.LENGTH + size, frame.readableBytes());
            assertTrue(FrameHeader.isJpeg(frame, frame.readerIndex() + FrameHeader.LENGTH, size));
        });
    }
}
