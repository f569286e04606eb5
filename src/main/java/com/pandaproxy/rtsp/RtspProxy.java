package com.pandaproxy.rtsp;

import com.pandaproxy.printer.CameraProxy;
import com.pandaproxy.printer.ProxyContext;

/** Placeholder: the RTSP relay (server on --rtsp-port, one RTSPS upstream to the printer). */
public final class RtspProxy implements CameraProxy {
    public RtspProxy(ProxyContext context) {
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("RTSP relay not built yet");
    }

    @Override
    public void reconnect() {
    }

    @Override
    public void close() {
    }
}
