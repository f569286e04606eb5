package com.pandaproxy.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.Upstream;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.GstRtspPrinter;
import com.pandaproxy.testutil.RtspPlayers;
import com.pandaproxy.testutil.RtspPlayers.Transport;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GStreamer's RTSP server, which nobody on the team wrote, as the printer. First the harness is
 * checked against it (the players must decode it directly, so a failure elsewhere is ours), then
 * our upstream client plays it, and the proxy relays it to FFmpeg.
 */
@Tag("interop")
class GstPrinterInteropTest {
    private static final String CODE = "12345678";

    @TempDir
    Path dir;

    @Test
    void playersDecodeTheGstreamerPrinterWithBasicAuth() {
        try (GstRtspPrinter printer = GstRtspPrinter.start(dir, CODE, false)) {
            RtspPlayers.assertFfprobeSeesH264(printer.url(CODE), Transport.TCP);
            RtspPlayers.assertGstreamerDecodes("rtsps://127.0.0.1:" + printer.port() + GstRtspPrinter.PATH,
                    "bblp", CODE, Transport.TCP, 10);
        }
    }

    @Test
    void ffmpegDecodesTheGstreamerPrinterWithDigestAuth() {
        try (GstRtspPrinter printer = GstRtspPrinter.start(dir, CODE, true)) {
            RtspPlayers.assertFfmpegDecodes(printer.url(CODE), Transport.TCP, 10);
        }
    }

    @Test
    void upstreamPlaysTheGstreamerPrinterWithDigest() throws Exception {
        try (GstRtspPrinter printer = GstRtspPrinter.start(dir, CODE, true)) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            StatusBoard status = new StatusBoard(CameraType.RTSP);
            UpstreamRecorder recorder = new UpstreamRecorder();
            Upstream upstream = RtspUpstream.create(RtspUpstreamTest.context(group, status, printer.port(), CODE),
                    group.next(), recorder);
            try {
                upstream.start();
                Await.until("streaming from GStreamer", Duration.ofSeconds(15),
                        () -> status.state() == UpstreamState.STREAMING && recorder.rtp.get() > 30);
                assertTrue(recorder.sdp.media().get(0).isH264());
                assertEquals(0, recorder.sequenceGaps.get());
                assertEquals(0, recorder.orderErrors.get());
            } finally {
                upstream.close();
                group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
            }
            assertEquals(UpstreamState.STOPPED, status.state());
            assertEquals(1, recorder.disconnected.get());
        }
    }

    @Test
    void proxyRelaysTheGstreamerPrinterToFfmpeg() throws Exception {
        try (GstRtspPrinter printer = GstRtspPrinter.start(dir, CODE, false)) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
            StatusBoard status = new StatusBoard(CameraType.RTSP);
            PrinterAddress address = new PrinterAddress("127.0.0.1", 0, printer.port(), new Secret(CODE));
            RtspProxy proxy = new RtspProxy(new ProxyContext(address, new Tls(ServerCertificate.ephemeral(), Tls.defaultProvider()),
                    group, status, new AuthThrottle()), new RtspProxy.Settings("127.0.0.1", 0, 10));
            try {
                proxy.start();
                Await.until("the proxy streams from GStreamer", Duration.ofSeconds(15), () -> status.state() == UpstreamState.STREAMING);
                RtspPlayers.assertFfmpegDecodes("rtsp://bblp:" + CODE + "@127.0.0.1:" + proxy.port() + "/stream", Transport.TCP, 20);
            } finally {
                proxy.close();
                group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
            }
        }
    }
}
