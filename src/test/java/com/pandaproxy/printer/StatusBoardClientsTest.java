package com.pandaproxy.printer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusBoardClientsTest {
    @Test
    void clientsAreListedWithProtocolAddressAndSince() {
        Instant t = Instant.parse("2026-12-03T10:00:00Z");
        StatusBoard board = new StatusBoard(CameraType.CHAMBER, Clock.fixed(t, ZoneOffset.UTC));
        StatusBoard.Client a = board.clientConnected("chamber", new InetSocketAddress("192.0.2.7", 51234));
        StatusBoard.Client b = board.clientConnected("mjpeg", new InetSocketAddress("2001:db8::1", 8080));
        StatusBoard.Client c = board.clientConnected("mjpeg", new InetSocketAddress("2001:db8::1", 8080));
        assertEquals(List.of(a, b, c), board.clients());
        assertEquals("192.0.2.7:51234", a.address());
        assertEquals("[2001:db8:0:0:0:0:0:1]:8080", b.address());
        assertEquals(t, a.since());
        assertEquals(3, board.snapshot().clients());
        board.clientDisconnected(c); // the same-looking b stays
        board.clientDisconnected(c);
        assertEquals(2, board.snapshot().clients());
        assertEquals("mjpeg", board.clients().get(1).protocol());
        assertEquals("", board.clientConnected("rtsp", null).address());
    }
}
