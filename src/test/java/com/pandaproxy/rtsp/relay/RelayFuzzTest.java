package com.pandaproxy.rtsp.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.rtp.H264Packets;
import com.pandaproxy.rtsp.rtp.Rtcp;
import com.pandaproxy.rtsp.rtp.Rtp;
import com.pandaproxy.testutil.Fuzz;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;

/**
 * The printer's RTP and RTCP packets with fuzzed bytes, through the relay to a client, plus the
 * RTP/RTCP/H.264 readers on each packet as it came. Every packet a client gets is valid RTP,
 * and when the relay closes every buffer is released.
 */
class RelayFuzzTest {
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
            + "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z2QAKKzZQHgCJ+XARAAAAwAEAAADAPA8YMZY,aOvjyyLA\r\n"
            + "a=control:track1\r\nm=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\na=control:track2\r\n";

    /**
     * The input is a run of packets, each: one byte (track in the low 7 bits, RTCP in the top
     * bit), two bytes of length (big-endian), that many bytes; a byte 0xFF where a packet would
     * start ends the upstream session and describes it again (a printer reconnecting).
     */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void printerPackets(byte[] input) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel loop = new EmbeddedChannel();
        Relay relay = new Relay(loop.eventLoop(), alloc, new StatusBoard(CameraType.RTSP));
        Client client = new Client();
        relay.described(Sdp.parse(SDP));
        relay.attach(client, t -> "rtsp://h/stream/trackID=" + t, List.of(0, 1), info -> { });
        loop.runPendingTasks();
        ByteBuf in = Unpooled.wrappedBuffer(input);
        while (in.isReadable()) {
            int first = in.readUnsignedByte();
            if (first == 0xFF) {
                relay.disconnected();
                relay.described(Sdp.parse(SDP));
                continue;
            }
            int length = in.readableBytes() >= 2 ? Math.min(in.readUnsignedShort(), in.readableBytes()) : in.readableBytes();
            ByteBuf packet = alloc.buffer(length).writeBytes(in, length);
            read(packet);
            relay.packet(first & 0x7F, (first & 0x80) != 0, packet);
            loop.runPendingTasks();
        }
        assertEquals(0, client.invalid, "a client got a packet that is not valid RTP");
        relay.detach(client);
        relay.close();
        loop.runPendingTasks();
        loop.finishAndReleaseAll();
        assertEquals(0, alloc.metric().usedHeapMemory() + alloc.metric().usedDirectMemory(), "buffers left unreleased");
    }

    /** What reads a packet's fields, whatever it holds: none may throw. */
    private static void read(ByteBuf packet) {
        if (Rtp.isValid(packet)) {
            ByteBuf payload = Rtp.payload(packet);
            H264Packets.startsKeyframe(payload);
            H264Packets.isIdr(payload);
            H264Packets.isStart(payload);
            Rtp.sequence(packet);
            Rtp.timestamp(packet);
        }
        try {
            Rtcp.packetTypes(packet);
        } catch (IllegalArgumentException notRtcp) {
            // its verdict on a malformed compound packet
        }
        if (Rtcp.firstType(packet) == Rtcp.SR) {
            Rtcp.senderInfo(packet);
        }
    }

    private static final class Client extends RelaySink {
        int invalid;

        @Override
        protected boolean writable() {
            return true;
        }

        @Override
        protected void write(RelayPacket unit) {
            if (!Rtp.isValid(unit.content())) {
                invalid++;
            }
            assertTrue(unit.frameLength() <= 4 + 0xFFFF);
        }

        @Override
        protected void flush() {
        }
    }
}
