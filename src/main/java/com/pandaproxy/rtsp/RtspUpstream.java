package com.pandaproxy.rtsp;

import com.pandaproxy.net.HostPort;
import com.pandaproxy.printer.Bambu;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.Upstream;
import com.pandaproxy.printer.UpstreamLifecycle;
import com.pandaproxy.printer.UpstreamLifecycle.Connection;
import com.pandaproxy.printer.UpstreamTimings;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The RTSP protocol's part of the one connection to the printer's camera ({@code
 * rtsps://<printer>:<port>/streaming/live/1}, an {@link UpstreamLifecycle}; the watchdog runs from
 * PLAY). Each connection plays every track over TCP-interleaved channels ({@link UpstreamSession});
 * a redirect to another server is followed at once, a same-server one remembered for the next.
 */
public final class RtspUpstream implements UpstreamLifecycle.Protocol {
    private final UpstreamListener listener;
    private final PrinterAddress printer;

    // confined to the loop
    private String nextUrl;
    private String redirect; // another server's URL, for the next connection only
    private int redirects;

    private RtspUpstream(PrinterAddress printer, UpstreamListener listener, String url) {
        this.listener = listener;
        this.printer = printer;
        this.nextUrl = url != null ? url : "rtsps://" + HostPort.of(printer.host(), printer.rtspPort()) + Bambu.STREAM_PATH;
    }

    /** The upstream to the context's printer, on {@code loop} ({@link RtspProxy.UpstreamFactory}). */
    public static Upstream create(ProxyContext context, EventLoop loop, UpstreamListener listener) {
        return create(context, loop, listener, null);
    }

    /** With {@code url} instead of the configured printer's (tests: an rtsp:// URL the printer redirects). */
    static Upstream create(ProxyContext context, EventLoop loop, UpstreamListener listener, String url) {
        return new UpstreamLifecycle("printer camera", new RtspUpstream(context.printer(), listener, url),
                context.tls(), UpstreamTimings.RTSP, loop, context.status());
    }

    @Override
    public InetSocketAddress target() {
        URI uri = URI.create(redirect != null ? redirect : nextUrl);
        String host = uri.getHost().replace("[", "").replace("]", ""); // an IPv6 address without URL brackets
        return InetSocketAddress.createUnresolved(host, uri.getPort() < 0 ? Bambu.RTSP_PORT : uri.getPort());
    }

    @Override
    public UpstreamLifecycle.Session open(Connection c) {
        String url = redirect != null ? redirect : nextUrl;
        int followed = redirect != null ? redirects : 0;
        redirect = null;
        RtspCodec.install(c.channel().pipeline());
        UpstreamSession s = new UpstreamSession(this, c, listener, url, followed, Bambu.USER, printer.accessCode().reveal());
        c.channel().pipeline().addLast("upstream", s);
        return s;
    }

    /** The printer sent the session to another server: the next connection goes there, at once. */
    void redirected(String url, int followed) {
        redirect = url;
        redirects = followed;
    }

    /** The printer moved the stream on the same server: the next connections start there. */
    void moved(String url) {
        nextUrl = url;
    }
}
