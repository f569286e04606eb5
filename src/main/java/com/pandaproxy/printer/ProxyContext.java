package com.pandaproxy.printer;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;

/**
 * What a {@link CameraProxy} needs from the program: the printer, TLS contexts, the shared event
 * loops, the status it reports into, and the per-address login throttle. Each proxy takes its own
 * settings (port, client limit) besides.
 */
public record ProxyContext(
        PrinterAddress printer,
        Tls tls,
        EventLoopGroup group,
        StatusBoard status,
        AuthThrottle authThrottle) {
}
