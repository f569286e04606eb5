package com.pandaproxy.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.printer.UpstreamTimings;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.SlowToNoticeLink;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commanded reconnect against a printer that takes one viewer at a time (the simulator, like
 * a real printer, refuses a second login): the old connection must be gone before the new one
 * logs in, so the printer never refuses and the upstream never backs off.
 */
class UpstreamReconnectTest {
    private static final String CODE = "27182818";
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The real backoff (1 s first step): a refusal would show as a pause and a BACKING_OFF state. */
    private static final UpstreamTimings TIMINGS = UpstreamTimings.CHAMBER;

    @TempDir
    Path dataDir;

    private ChamberSimulator sim;
    private EventLoopGroup group;
    private ChamberProxy proxy;
    private final List<UpstreamState> states = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (sim != null) {
            sim.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        }
    }

    @Test
    void reconnectStreamsAgainWithoutARefusal() throws Exception {
        sim = ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(10, 640, 360, 2));
        reconnectThreeTimes(sim.port());
    }

    @Test
    void reconnectWaitsForAPrinterSlowToNoticeTheOldViewerLeft() throws Exception {
        sim = ChamberSimulator.start(0, CODE, new ChamberSimulator.Options(10, 640, 360, 2));
        try (SlowToNoticeLink link = new SlowToNoticeLink(sim.port(), 300)) {
            reconnectThreeTimes(link.port());
        }
    }

    private void reconnectThreeTimes(int printerPort) throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        PrinterAddress printer = new PrinterAddress("127.0.0.1", printerPort, 0, new Secret(CODE));
        StatusBoard status = new StatusBoard(CameraType.CHAMBER);
        status.addListener(s -> states.add(s.upstreamState()));
        Tls tls = new Tls(ServerCertificate.loadOrCreate(dataDir, "127.0.0.1"), Tls.defaultProvider());
        proxy = new ChamberProxy(new ProxyContext(printer, tls, group, status, new AuthThrottle()),
                new ChamberProxy.Settings("127.0.0.1", 0, 4, ChamberProxy.LOGIN_LIMIT), TIMINGS, null);
        proxy.start();
        try (ChamberViewer client = ChamberViewer.connect(proxy.port(), CODE)) {
            assertEquals(2, client.take(2, WAIT).size());
            for (int round = 1; round <= 3; round++) {
                int connections = sim.connections();
                int logins = sim.logins();
                states.clear();
                long t0 = System.nanoTime();
                proxy.reconnect();
                Await.until("a new upstream login", WAIT, () -> sim.logins() == logins + 1);
                long millis = (System.nanoTime() - t0) / 1_000_000;
                client.frames.clear();
                assertEquals(1, client.take(1, WAIT).size(), "the client receives frames again");
                assertEquals(connections + 1, sim.connections(), "one new connection, none refused");
                assertTrue(!states.contains(UpstreamState.BACKING_OFF) && !states.contains(UpstreamState.AUTH_REJECTED),
                        "no backoff on a commanded reconnect: " + states);
                assertTrue(millis < 900, "logged in again after " + millis + " ms");
            }
        }
    }
}
