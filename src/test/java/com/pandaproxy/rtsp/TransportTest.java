package com.pandaproxy.rtsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TransportTest {
    @Test
    void parsesTcpInterleaved() {
        Transport t = Transport.parse("RTP/AVP/TCP;unicast;interleaved=0-1");
        assertTrue(t.isTcp());
        assertFalse(t.isMulticast());
        assertArrayEquals(new int[] {0, 1}, t.interleaved());
        assertNull(t.clientPort());
        assertEquals("RTP/AVP/TCP;unicast;interleaved=0-1", t.format());
    }

    @Test
    void parsesUdpAlternativesAndMulticast() {
        List<Transport> ts = Transport.parseList("RTP/AVP;multicast;ttl=127;mode=\"PLAY\",RTP/AVP;unicast;client_port=5000-5001;mode=\"PLAY\"");
        assertEquals(2, ts.size());
        assertTrue(ts.get(0).isMulticast());
        Transport udp = ts.get(1);
        assertFalse(udp.isTcp());
        assertArrayEquals(new int[] {5000, 5001}, udp.clientPort());
        Transport answer = udp.without("mode").with("server_port", "6970-6971").with("ssrc", "1234ABCD");
        assertEquals("RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;ssrc=1234ABCD", answer.format());
        assertArrayEquals(new int[] {6970, 6971}, Transport.parse(answer.format()).serverPort());
        assertArrayEquals(new int[] {7000, 7001}, Transport.parse("rtp/avp/udp;unicast;client_port=7000").clientPort());
    }

    @Test
    void offersSkipWhatCannotBeParsedAndTellProfilesApart() {
        List<Transport> offers = Transport.parseOffers("RAW/RAW/UDP;unicast, ;;;=, RTP/SAVP;unicast;client_port=5000-5001,"
                + "RTP/AVPF/TCP;interleaved=0-1,RTP/AVP/UDP;unicast;client_port=6000-6001, rtp/avp/tcp;interleaved=2-3");
        assertEquals(List.of("RTP/SAVP", "RTP/AVPF/TCP", "RTP/AVP/UDP", "RTP/AVP/TCP"), offers.stream().map(Transport::protocol).toList());
        assertEquals(List.of(false, false, true, true), offers.stream().map(Transport::isAvp).toList());
        assertTrue(Transport.parseOffers("nonsense").isEmpty());
        assertEquals(Transport.MAX_SPECS, Transport.parseOffers("RTP/AVP/TCP,".repeat(100)).size());
    }

    /** Found by fuzzing (RtspFuzzTest#transport): ";" split into no part at all and threw an index error. */
    @Test
    void aSpecOfSemicolonsOnlyIsRefusedNotACrash() {
        assertThrows(IllegalArgumentException.class, () -> Transport.parse(";"));
        assertEquals(List.of(), Transport.parseOffers(";;,;"));
        assertThrows(IllegalArgumentException.class, () -> Transport.parseList(";"));
    }

    @Test
    void buildsAndRejects() {
        assertEquals("RTP/AVP/TCP;unicast;interleaved=2-3", Transport.tcpInterleaved(2, 3).format());
        assertEquals("RTP/AVP;unicast;client_port=9000-9001", Transport.udpUnicast(9000, 9001).format());
        assertThrows(IllegalArgumentException.class, () -> Transport.parse("RAW/RAW/UDP;unicast"));
        assertThrows(IllegalArgumentException.class, () -> Transport.parse("RTP/AVP/TCP;interleaved=300-301").interleaved());
        assertThrows(IllegalArgumentException.class, () -> Transport.parse("RTP/AVP;client_port=a-b").clientPort());
        assertThrows(IllegalArgumentException.class, () -> Transport.parseList(" , "));
    }

    @Test
    void sessionHeader() {
        SessionHeader s = SessionHeader.parse("47112344;timeout=60");
        assertEquals("47112344", s.id());
        assertEquals(60, s.timeoutSeconds());
        assertEquals("47112344;timeout=60", s.format());
        assertEquals(60, SessionHeader.parse("abc").timeoutOrDefault());
        assertEquals("abc", SessionHeader.parse("abc").format());
        assertThrows(IllegalArgumentException.class, () -> SessionHeader.parse(";timeout=5"));
        assertThrows(IllegalArgumentException.class, () -> SessionHeader.parse("a;timeout=x"));
    }

    @Test
    void rtpInfoAndRange() {
        String v = RtpInfo.format(List.of(new RtpInfo("rtsp://h/s/trackID=0", 100, 4000000000L),
                new RtpInfo("rtsp://h/s/trackID=1", 7, -1)));
        assertEquals("url=rtsp://h/s/trackID=0;seq=100;rtptime=4000000000,url=rtsp://h/s/trackID=1;seq=7", v);
        List<RtpInfo> back = RtpInfo.parse(v);
        assertEquals(2, back.size());
        assertEquals(4000000000L, back.get(0).rtptime());
        assertEquals(-1, back.get(1).rtptime());
        assertThrows(IllegalArgumentException.class, () -> RtpInfo.parse("seq=1"));
        assertEquals("npt=now-", NptRange.LIVE);
        assertEquals("npt=0.000-", NptRange.from(0));
    }
}
