package com.pandaproxy.rtsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.rtsp.rtp.H264Parameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdpTest {
    static String sample(String name) {
        try (InputStream in = SdpTest.class.getResourceAsStream("/sdp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void parsesBambuLabLikeSdp() {
        Sdp sdp = Sdp.parse(sample("bambulab.sdp"));
        assertEquals("*", sdp.control().orElseThrow());
        assertEquals(1, sdp.media().size());
        SdpMedia v = sdp.media().get(0);
        assertEquals("video", v.type());
        assertEquals(96, v.payloadType());
        assertTrue(v.isH264());
        assertEquals(90000, v.clockRate());
        Map<String, String> fmtp = v.fmtp(96);
        assertEquals("1", fmtp.get("packetization-mode"));
        assertEquals("640028", fmtp.get("profile-level-id"));
        H264Parameters ps = H264Parameters.fromFmtp(fmtp);
        assertEquals(1, ps.sps().size());
        assertEquals(0x67, ps.sps().get(0)[0]);
        assertEquals(0x68, ps.pps().get(0)[0] & 0xFF);
        assertEquals("Z2QAKKzZQHgCJ+XARAAAAwAEAAADAPA8YMZY,aOvjyyLA", ps.format());
        // printer answers DESCRIBE rtsps://ip:322/streaming/live/1 with Content-Base ".../streaming/live/1/"
        String base = RtspUrls.base("rtsps://10.0.0.2:322/streaming/live/1", "rtsps://10.0.0.2:322/streaming/live/1/", null);
        assertEquals("rtsps://10.0.0.2:322/streaming/live/1/track1", RtspUrls.resolve(base, v.control().orElseThrow()));
        assertEquals(base, RtspUrls.resolve(base, sdp.control().orElseThrow()));
    }

    @Test
    void parsesFfmpegSdpWithLfEndingsAndAudio() {
        Sdp sdp = Sdp.parse(sample("ffmpeg.sdp"));
        assertEquals(2, sdp.media().size());
        SdpMedia v = sdp.media().get(0);
        // "; " separators with spaces
        assertEquals("640028", v.fmtp(96).get("profile-level-id"));
        assertFalse(H264Parameters.fromFmtp(v.fmtp(96)).isEmpty());
        SdpMedia a = sdp.media().get(1);
        assertEquals("audio", a.type());
        assertEquals(new SdpMedia.Rtpmap(97, "MPEG4-GENERIC", 48000, "2"), a.rtpmap(97).orElseThrow());
        assertEquals(48000, a.clockRate());
        assertFalse(a.isH264());
        assertEquals("119056E500", a.fmtp(97).get("config"));
        // no Content-Base: relative to the request URL, with a slash added
        String base = RtspUrls.base("rtsp://127.0.0.1:8554/live", null, null);
        assertEquals("rtsp://127.0.0.1:8554/live/streamid=1", RtspUrls.resolve(base, a.control().orElseThrow()));
    }

    @Test
    void parsesGstreamerSdpWithAbsoluteControls() {
        Sdp sdp = Sdp.parse(sample("gstreamer.sdp"));
        SdpMedia v = sdp.media().get(0);
        assertEquals("30", v.attribute("framerate").orElseThrow());
        String base = RtspUrls.base("rtsp://127.0.0.1:8554/test", "rtsp://127.0.0.1:8554/test/", null);
        assertEquals("rtsp://127.0.0.1:8554/test/stream=0", RtspUrls.resolve(base, v.control().orElseThrow()));
        assertEquals("rtsp://127.0.0.1:8554/test", RtspUrls.resolve(base, sdp.control().orElseThrow()));
        H264Parameters ps = H264Parameters.fromFmtp(v.fmtp(96));
        assertArrayEquals(new byte[] {0x68, (byte) 0xcb, (byte) 0x8c, (byte) 0xb2}, ps.pps().get(0));
    }

    @Test
    void parsesLive555SdpWithContentLocationAndTwoTracks() {
        Sdp sdp = Sdp.parse(sample("live555.sdp"));
        assertEquals(2, sdp.media().size());
        String base = RtspUrls.base("rtsp://192.168.1.48:554/h264Preview_01_main", null, "rtsp://192.168.1.48/h264Preview_01_main/");
        assertEquals("rtsp://192.168.1.48/h264Preview_01_main/trackID=2",
                RtspUrls.resolve(base, sdp.media().get(1).control().orElseThrow()));
        assertEquals(16000, sdp.media().get(1).clockRate());
    }

    @Test
    void resolvesRelativeContentBaseAndAbsolutePathControls() {
        assertEquals("rtsp://h:554/a/b/", RtspUrls.base("rtsp://h:554/a/x", "b/", null));
        assertEquals("rtsp://h:554/t1", RtspUrls.resolve("rtsp://h:554/a/", "/t1"));
        assertEquals("rtsps://h/x", RtspUrls.resolve("rtsp://other/", "rtsps://h/x"));
        assertEquals("/streaming/live/1", RtspUrls.path("rtsps://bblp@10.0.0.2:322/streaming/live/1?x=1"));
        assertEquals("", RtspUrls.path("rtsp://h"));
        assertEquals("rtsps://h:322/s", RtspUrls.withScheme("rtsp://h:322/s", "rtsps"));
        assertEquals("rtsps://10.0.0.2:322/streaming/live/1", RtspUrls.withoutUserInfo("rtsps://bblp:secret@10.0.0.2:322/streaming/live/1"));
    }

    @Test
    void writesWhatItParsedAndRewritesControls() {
        String text = sample("bambulab.sdp");
        Sdp sdp = Sdp.parse(text);
        assertEquals(text, sdp.format());
        Sdp own = sdp.withLine('o', "- 1 1 IN IP4 0.0.0.0")
                .withAttribute("control", "*")
                .withMedia(List.of(sdp.media().get(0).withAttribute("control", "rtsp://proxy:322/stream/trackID=0")));
        Sdp again = Sdp.parse(own.format());
        assertEquals("- 1 1 IN IP4 0.0.0.0", again.sessionLines().get(1).value());
        assertEquals("rtsp://proxy:322/stream/trackID=0", again.media().get(0).control().orElseThrow());
        assertEquals(1, again.media().get(0).lines().stream().filter(l -> l.isAttribute("control")).count());
        assertTrue(own.format().endsWith("a=control:rtsp://proxy:322/stream/trackID=0\r\n"));
    }

    @Test
    void rejectsMalformedSdp() {
        assertThrows(IllegalArgumentException.class, () -> Sdp.parse("m=video 0 RTP/AVP 96\r\n"));
        assertThrows(IllegalArgumentException.class, () -> Sdp.parse("v=0\r\nhello\r\n"));
        assertThrows(IllegalArgumentException.class, () -> Sdp.parse("v=0\r\nm=video x RTP/AVP 96\r\n"));
        assertThrows(IllegalArgumentException.class, () -> Sdp.parse("v=0\r\nm=video 0\r\n"));
        assertThrows(IllegalArgumentException.class, () -> SdpMedia.Rtpmap.parse("96 H264"));
        assertThrows(IllegalArgumentException.class, () -> Sdp.parse("v=0\r\n" + "a=x\r\n".repeat(Sdp.MAX_LINES + 1)));
    }

    /** Found by fuzzing (ServerFuzzTest#printerSdp): such an rtpmap passed the parse and threw later, in the relay. */
    @Test
    void aMalformedRtpmapIsRefusedWhenTheSdpIsParsed() {
        for (String rtpmap : List.of("96 H264/900A00", "96 H264", "96 H264/0", "96 H264/-90000", "x H264/90000")) {
            assertThrows(IllegalArgumentException.class, () -> Sdp.parse("v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:" + rtpmap + "\r\n"),
                    rtpmap);
        }
    }

    @Test
    void staticPayloadTypeClockRates() {
        Sdp sdp = Sdp.parse("v=0\r\nm=audio 0 RTP/AVP 0\r\nm=video 0 RTP/AVP 26\r\n");
        assertEquals(8000, sdp.media().get(0).clockRate());
        assertEquals(90000, sdp.media().get(1).clockRate());
    }
}
