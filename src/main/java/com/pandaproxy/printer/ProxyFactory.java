package com.pandaproxy.printer;

/** Makes the proxy for a camera type, for the {@link Printer}. */
@FunctionalInterface
public interface ProxyFactory {
    /**
     * @param connection for {@link CameraType#CHAMBER} after a detection: the probe's live
     *                   connection, which the proxy must adopt or close; otherwise null
     */
    CameraProxy create(CameraType type, ChamberConnection connection);
}
