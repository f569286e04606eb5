package com.pandaproxy.printer;

import java.util.concurrent.atomic.AtomicInteger;

/** A camera proxy without sockets: the test says when it streams; reconnect re-establishes at once. */
final class FakeProxy implements CameraProxy {
    final CameraType type;
    private final StatusBoard board;
    final AtomicInteger reconnects = new AtomicInteger();
    volatile boolean started;
    volatile boolean closed;

    FakeProxy(CameraType type, StatusBoard board) {
        this.type = type;
        this.board = board;
    }

    @Override
    public void start() {
        started = true;
        board.state(UpstreamState.CONNECTING);
    }

    void stream() {
        board.state(UpstreamState.STREAMING);
        board.frame(1000);
    }

    void lose() {
        board.state(UpstreamState.BACKING_OFF);
    }

    @Override
    public void reconnect() {
        reconnects.incrementAndGet();
        board.state(UpstreamState.CONNECTING);
        stream();
    }

    @Override
    public void close() {
        closed = true;
    }
}
