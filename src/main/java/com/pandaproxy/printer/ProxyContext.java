package com.pandaproxy.printer;

import com.pandaproxy.app.Config;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;

/**
 * What a {@link CameraProxy} needs from the program: configuration, TLS contexts, the shared
 * event loops, the status it reports into, and the per-address login throttle.
 */
public record ProxyContext(
        Config config,
        Tls tls,
        EventLoopGroup group,
        StatusBoard status,
        AuthThrottle authThrottle) {
}
