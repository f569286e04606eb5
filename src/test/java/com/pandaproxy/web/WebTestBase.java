package com.pandaproxy.web;

import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.Closer;
import com.pandaproxy.testutil.EventLoops;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the web tests share: event loops, a closer, a data dir, a streaming printer behind the proxy. */
abstract class WebTestBase {
    static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final EventLoops LOOPS = new EventLoops(2);
    @RegisterExtension
    final Closer closer = new Closer();
    @TempDir
    Path dir;

    /** Requests from this address with X-Ingress-Path come "through Home Assistant's ingress". */
    static InetAddress ingressAddress() {
        try {
            return InetAddress.getByName("127.0.0.2");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A chamber-image printer at {@code fps} behind the proxy and the web server, streaming. */
    WebFixture chamber(double fps) throws Exception {
        return streaming(WebFixture.chamber(LOOPS.group(), dir, fps, Set.of(ingressAddress())));
    }

    /** The RTSP demo's printer behind the proxy and the web server, streaming. */
    WebFixture rtsp() throws Exception {
        return streaming(WebFixture.rtsp(LOOPS.group(), dir));
    }

    WebFixture streaming(WebFixture f) {
        closer.add(f);
        Await.until("streaming", WAIT, () -> f.printer.status().streaming());
        return f;
    }

    RawHttp connect(WebFixture f) throws Exception {
        return closer.add(RawHttp.connect(f.web.port()));
    }
}
