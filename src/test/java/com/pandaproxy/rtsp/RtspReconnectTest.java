package com.pandaproxy.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.Upstream;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.SlowToNoticeLink;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A commanded reconnect against a printer that takes one viewer at a time (another gets 453):
 * TEARDOWN and close come first, so the new session is never refused and never backs off.
 */
class RtspReconnectTest {
    private static final String CODE = "16180339";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final UpstreamRecorder recorder = new UpstreamRecorder();
    private final StatusBoard status = new StatusBoard(CameraType.RTSP);
    private final List<UpstreamState> states = new CopyOnWriteArrayList<>();
    private RtspSimulator sim;
    private Upstream upstream;

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.close();
        }
        if (sim != null) {
            sim.close();
        }
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }

    @Test
    void reconnectStreamsAgainWithoutARefusal() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
        reconnectThreeTimes(sim.port());
    }

    @Test
    void reconnectWaitsForAPrinterSlowToNoticeTheOldViewerLeft() throws Exception {
        sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
        try (SlowToNoticeLink link = new SlowToNoticeLink(sim.port(), 300)) {
            reconnectThreeTimes(link.port());
        }
    }

    private void reconnectThreeTimes(int printerPort) throws Exception {
        status.addListener(s -> states.add(s.upstreamState()));
        upstream = RtspUpstream.create(RtspUpstreamTest.context(group, status, printerPort, CODE), group.next(), recorder);
        upstream.start();
        Await.until("streaming", WAIT, () -> status.state() == UpstreamState.STREAMING && recorder.rtp.get() > 20);
        for (int round = 1; round <= 3; round++) {
            int plays = sim.plays();
            int teardowns = sim.teardowns();
            states.clear();
            long t0 = System.nanoTime();
            upstream.reconnect();
            Await.until("a new session playing", WAIT, () -> sim.plays() == plays + 1);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            int rtp = recorder.rtp.get();
            Await.until("video again", WAIT, () -> status.state() == UpstreamState.STREAMING && recorder.rtp.get() > rtp + 10);
            assertEquals(teardowns + 1, sim.teardowns(), "the old session was torn down");
            assertTrue(!states.contains(UpstreamState.BACKING_OFF) && !states.contains(UpstreamState.AUTH_REJECTED),
                    "no backoff on a commanded reconnect: " + states);
            assertTrue(millis < 900, "playing again after " + millis + " ms");
        }
        assertEquals(0, recorder.orderErrors.get());
    }
}
