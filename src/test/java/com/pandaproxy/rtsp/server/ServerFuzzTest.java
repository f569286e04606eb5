package com.pandaproxy.rtsp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.RtspUrls;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.SdpMedia;
import com.pandaproxy.rtsp.relay.Relay;
import com.pandaproxy.testutil.Fuzz;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;

/** What the RTSP server makes of fuzzed text: the printer's SDP (relayed to clients) and a client's request URI. */
class ServerFuzzTest {
    /** The printer's DESCRIBE answer: parsed, taken by the relay, rewritten for clients; the rewrite parses again. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void printerSdp(byte[] text) {
        Sdp sdp;
        try {
            sdp = Sdp.parse(new String(text, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException refused) {
            return; // the upstream drops a printer that describes nonsense
        }
        for (SdpMedia m : sdp.media()) {
            m.control();
            m.clockRate();
            m.fmtp(m.payloadType());
        }
        EmbeddedChannel loop = new EmbeddedChannel();
        Relay relay = new Relay(loop.eventLoop(), UnpooledByteBufAllocator.DEFAULT, new StatusBoard(CameraType.RTSP));
        try {
            relay.described(sdp);
            loop.runPendingTasks();
        } finally {
            relay.close();
            loop.finishAndReleaseAll();
        }
        String forClients = ProxySdp.of(sdp).format();
        assertEquals(sdp.media().size(), Sdp.parse(forClients).media().size(), forClients);
    }

    /** A client's request URI, as matched to the stream and its tracks. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void requestUri(byte[] uri) {
        String text = new String(uri, StandardCharsets.ISO_8859_1);
        try {
            StreamPaths.Target target = StreamPaths.match(text);
            if (target != null) {
                StreamPaths.base(text);
                RtspUrls.withoutUserInfo(text);
            }
        } catch (IllegalArgumentException refused) {
            // answered 400
        }
    }
}
