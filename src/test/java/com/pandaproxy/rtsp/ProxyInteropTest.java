package com.pandaproxy.rtsp;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.RtspPlayers;
import com.pandaproxy.testutil.RtspPlayers.Transport;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    static EventLoopGroup group;
    static RtspSimulator printer;
    static RtspProxy proxy;
    static StatusBoard status = new StatusBoard(CameraType.RTSP);

    @BeforeAll
    static void start() throws Exception {
        printer = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST);
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        PrinterAddress address = new PrinterAddress("127.0.0.1", 0, printer.port(), new Secret(CODE));
        proxy = new RtspProxy(new ProxyContext(address, new Tls(ServerCertificate.ephemeral(), Tls.defaultProvider()), group,
                status, new AuthThrottle()), new RtspProxy.Settings("127.0.0.1", 0, 20));
        proxy.start();
        Await.until("the proxy streams from the printer", Duration.ofSeconds(15), () -> status.state() == UpstreamState.STREAMING);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        }
        if (printer != null) {
            printer.close();
        }
    }

    static String rtsp() {
        return "rtsp://bblp:" + CODE + "@127.0.0.1:" + proxy.port() + "/stream";
    }

    static String rtsps() {
        return "rtsps://bblp:" + CODE + "@127.0.0.1:" + proxy.port() + "/streaming/live/1";
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
        String plain = "rtsp://127.0.0.1:" + proxy.port() + "/stream";
        RtspPlayers.assertGstreamerDecodes(plain, "bblp", CODE, Transport.TCP, 20);
        RtspPlayers.assertGstreamerDecodes(plain, "bblp", CODE, Transport.UDP, 20);
        RtspPlayers.assertGstreamerDecodes("rtsps://127.0.0.1:" + proxy.port() + "/streaming/live/1", "bblp", CODE, Transport.TCP, 20);
    }

    @Test
    void vlcDecodes() {
        RtspPlayers.assertVlcDecodes(rtsp(), Transport.TCP);
    }
}
