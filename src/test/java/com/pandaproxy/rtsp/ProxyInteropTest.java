package com.pandaproxy.rtsp;

import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.RtspPlayers;
import com.pandaproxy.testutil.RtspPlayers.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Players nobody on the team wrote decode video through the proxy, which relays the simulated
 * printer (one RTSPS viewer) to all of them: FFmpeg over TCP and UDP, plain RTSP and RTSPS;
 * GStreamer's rtspsrc; VLC where it has an RTSP client.
 */
@Tag("interop")
class ProxyInteropTest {
    static final String CODE = "24681357";
    static ProxiedPrinter relay;

    @BeforeAll
    static void start() throws Exception {
        relay = ProxiedPrinter.start(RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST), CODE, 20, RtspProxy.SESSION_TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    static String rtsp() {
        return "rtsp://bblp:" + CODE + "@127.0.0.1:" + relay.port() + "/stream";
    }

    static String rtsps() {
        return "rtsps://bblp:" + CODE + "@127.0.0.1:" + relay.port() + "/streaming/live/1";
    }

    @Test
    void ffprobeSeesH264() {
        RtspPlayers.assertFfprobeSeesH264(rtsp(), Transport.TCP);
    }

    @Test
    void ffmpegDecodesOverTcpAndUdpAtOnce() {
        // three players together: the printer has one viewer (the proxy), the proxy fans out
        List<CompletableFuture<Void>> runs = List.of(
                CompletableFuture.runAsync(() -> RtspPlayers.assertFfmpegDecodesCleanly(rtsp(), Transport.TCP, 30)),
                CompletableFuture.runAsync(() -> RtspPlayers.assertFfmpegDecodes(rtsp(), Transport.UDP, 30)),
                CompletableFuture.runAsync(() -> RtspPlayers.assertFfmpegDecodesCleanly(rtsps(), Transport.TCP, 30)));
        runs.forEach(CompletableFuture::join);
    }

    @Test
    void gstreamerDecodesOverTcpAndUdpAndTls() {
        String plain = "rtsp://127.0.0.1:" + relay.port() + "/stream";
        RtspPlayers.assertGstreamerDecodes(plain, "bblp", CODE, Transport.TCP, 20);
        RtspPlayers.assertGstreamerDecodes(plain, "bblp", CODE, Transport.UDP, 20);
        RtspPlayers.assertGstreamerDecodes("rtsps://127.0.0.1:" + relay.port() + "/streaming/live/1", "bblp", CODE, Transport.TCP, 20);
    }

    @Test
    void vlcDecodes() {
        RtspPlayers.assertVlcDecodes(rtsp(), Transport.TCP);
    }
}
