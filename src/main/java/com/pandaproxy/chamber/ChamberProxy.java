package com.pandaproxy.chamber;

import com.pandaproxy.printer.CameraProxy;
import com.pandaproxy.printer.ProxyContext;

/** Placeholder: the chamber-image proxy (server on --chamber-port, one upstream to the printer). */
public final class ChamberProxy implements CameraProxy {
    public ChamberProxy(ProxyContext context) {
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("chamber proxy not built yet");
    }

    @Override
    public void reconnect() {
    }

    @Override
    public void close() {
    }
}
