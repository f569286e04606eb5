package com.pandaproxy.printer;

import io.netty.buffer.ByteBuf;

/**
 * Someone who watches the camera as whole JPEG pictures (the web page's MJPEG viewers), attached
 * to a camera's fan-out like any other client: called on the fan-out's thread, never waited for.
 */
public interface PictureViewer {
    /** Whether the viewer can take a picture now (its bounded backlog has room); else it skips this one. */
    boolean ready();

    /** One JPEG picture (its readable bytes), which the viewer now owns and must release. */
    void picture(ByteBuf jpeg);
}
