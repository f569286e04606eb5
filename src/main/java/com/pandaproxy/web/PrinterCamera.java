package com.pandaproxy.web;

import com.pandaproxy.printer.H264Keyframe;
import com.pandaproxy.printer.PictureViewer;
import com.pandaproxy.printer.Printer;
import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.printer.StatusBoard;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;

/** The web's view of one {@link Printer}. */
public final class PrinterCamera implements Camera {
    private final Printer printer;
    private final StatusBoard board;

    public PrinterCamera(Printer printer, StatusBoard board) {
        this.printer = printer;
        this.board = board;
    }

    @Override
    public PrinterStatus status() {
        return printer.status();
    }

    @Override
    public List<StatusBoard.Client> clients() {
        return board.clients();
    }

    @Override
    public boolean serving() {
        return printer.serving();
    }

    @Override
    public Optional<byte[]> latestJpeg() {
        return printer.latestJpeg();
    }

    @Override
    public Optional<H264Keyframe> latestKeyframe() {
        return printer.latestKeyframe();
    }

    @Override
    public void watch(PictureViewer viewer) {
        printer.watch(viewer);
    }

    @Override
    public void unwatch(PictureViewer viewer) {
        printer.unwatch(viewer);
    }

    @Override
    public StatusBoard.Client clientJoined(String protocol, SocketAddress address) {
        return board.clientConnected(protocol, address);
    }

    @Override
    public void clientLeft(StatusBoard.Client client) {
        board.clientDisconnected(client);
    }

    @Override
    public void reconnect() {
        printer.reconnect();
    }
}
