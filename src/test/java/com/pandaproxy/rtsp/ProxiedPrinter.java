package com.pandaproxy.rtsp;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.net.Transports;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The proxy (two event loops on the product's transport, its TLS engine) in front of a simulated printer, for interop tests. */
final class ProxiedPrinter implements AutoCloseable {
    final RtspSimulator printer;
    final StatusBoard status = new StatusBoard(CameraType.RTSP);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, Transports.ioHandlerFactory());
    private RtspProxy proxy;

    private ProxiedPrinter(RtspSimulator printer) {
        this.printer = printer;
    }

    /** Starts the proxy for {@code printer} (access code {@code code}) and waits until it streams. */
    static ProxiedPrinter start(RtspSimulator printer, String code, int maxClients, Duration sessionTimeout) throws Exception {
        ProxiedPrinter p = new ProxiedPrinter(printer);
        try {
            PrinterAddress address = new PrinterAddress("127.0.0.1", 0, printer.port(), new Secret(code));
            p.proxy = new RtspProxy(new ProxyContext(address, new Tls(ServerCertificate.ephemeral(), Tls.defaultProvider()), p.group,
                    p.status, new AuthThrottle()), new RtspProxy.Settings("127.0.0.1", 0, maxClients), RtspUpstream::create,
                    sessionTimeout, RtspProxy.DESCRIBE_WAIT);
            p.proxy.start();
            Await.until("the proxy streams from the printer", Duration.ofSeconds(15), () -> p.status.state() == UpstreamState.STREAMING);
            return p;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
    }

    int port() {
        return proxy.port();
    }

    /** Stops the proxy, its event loops and the printer. */
    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        printer.close();
    }
}
