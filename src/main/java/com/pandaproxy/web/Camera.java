package com.pandaproxy.web;

import com.pandaproxy.printer.H264Keyframe;
import com.pandaproxy.printer.PictureViewer;
import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.printer.StatusBoard;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;

/** What the web needs from the printer: its status and clients, its pictures, and its reconnect button. */
public interface Camera {
    PrinterStatus status();

    /** The connected clients of every protocol, oldest first. */
    List<StatusBoard.Client> clients();

    /** Whether the proxy is serving clients (a camera port is open), whatever the printer is doing. */
    boolean serving();

    /** The latest JPEG (chamber-image cameras). */
    Optional<byte[]> latestJpeg();

    /** The latest whole keyframe (RTSP cameras). May wait briefly: not for event loops. */
    Optional<H264Keyframe> latestKeyframe();

    /** Attaches a viewer to the camera's JPEG pictures (chamber-image cameras), also across proxy switches. */
    void watch(PictureViewer viewer);

    void unwatch(PictureViewer viewer);

    /** Lists a client (the web's MJPEG viewers) among the proxy's clients. */
    StatusBoard.Client clientJoined(String protocol, SocketAddress address);

    void clientLeft(StatusBoard.Client client);

    /** Drops the upstream connection and connects again at once. Must not block. */
    void reconnect();
}
