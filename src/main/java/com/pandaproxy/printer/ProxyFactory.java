package com.pandaproxy.printer;

import java.util.function.Function;

/** Makes the proxy for a camera type, for the {@link Printer}. */
@FunctionalInterface
public interface ProxyFactory {
    /**
     * @param connection for {@link CameraType#CHAMBER} after a detection: the probe's live
     *                   connection, which the proxy must adopt or close; otherwise null
     */
    CameraProxy create(CameraType type, ChamberConnection connection);

    /** A factory whose proxies always connect themselves (the probe's connection is closed). */
    static ProxyFactory connectingAnew(Function<CameraType, CameraProxy> factory) {
        return (type, connection) -> {
            if (connection != null) {
                connection.close();
            }
            return factory.apply(type);
        };
    }
}
