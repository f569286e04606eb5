package com.pandaproxy.rtsp.server;

import static com.pandaproxy.rtsp.server.RtspTestClient.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.rtsp.RtpInfo;
import com.pandaproxy.rtsp.RtspProxy;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.SdpMedia;
import com.pandaproxy.rtsp.Transport;
import com.pandaproxy.rtsp.rtp.H264Packets;
import com.pandaproxy.rtsp.rtp.Rtp;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.GstRtspPrinter;
import com.pandaproxy.testutil.RtspPlayers;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A printer with video AND audio: GStreamer's RTSP server (nobody on the team wrote it) serving
 * H.264 plus AAC over RTSPS. The proxy must SETUP both tracks upstream and relay both: our test
 * clients SETUP both over TCP interleaved and over UDP and get each track's RTP under the SSRC
 * SETUP announced, numbered without gaps; ffprobe sees both streams through the proxy.
 */
@Tag("interop")
class MultiTrackInteropTest {
    private static final String CODE = "87654321";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void videoAndAudioAreBothRelayed() throws Exception {
        try (GstRtspPrinter printer = GstRtspPrinter.start(dir, CODE, true, true)) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
            EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            StatusBoard status = new StatusBoard(CameraType.RTSP);
            PrinterAddress address = new PrinterAddress("127.0.0.1", 0, printer.port(), new Secret(CODE));
            RtspProxy proxy = new RtspProxy(new ProxyContext(address, new Tls(ServerCertificate.ephemeral(), Tls.defaultProvider()),
                    group, status, new AuthThrottle()), new RtspProxy.Settings("127.0.0.1", 0, 10));
            RtspTestClient tcp = null;
            RtspTestClient udp = null;
            try {
                proxy.start();
                Await.until("the proxy streams from GStreamer", WAIT, () -> status.state() == UpstreamState.STREAMING);
                String url = "rtsp://127.0.0.1:" + proxy.port() + "/streaming/live/1";
                tcp = RtspTestClient.connect(clients, proxy.port(), false, CODE, false);
                udp = RtspTestClient.connect(clients, proxy.port(), true, CODE, false);
                List<Long> tcpSsrcs = playBoth(tcp, url, false);
                List<Long> udpSsrcs = playBoth(udp, url.replace("rtsp:", "rtsps:"), true);
                assertEquals(tcpSsrcs, udpSsrcs, "one numbering per track, shared by all clients");
                assertNotEquals(tcpSsrcs.get(0), tcpSsrcs.get(1));
                for (RtspTestClient client : List.of(tcp, udp)) {
                    boolean overUdp = client == udp;
                    assertTrack(client, overUdp ? -1 : 0, tcpSsrcs.get(0), 30, true);
                    assertTrack(client, overUdp ? -3 : 2, tcpSsrcs.get(1), 10, false);
                }
                assertEquals(2, status.snapshot().clients());
                // (FFmpeg takes RTP over UDP only on plain RTSP)
                RtspPlayers.assertFfprobeSeesStreams(url.replace("rtsp://", "rtsp://bblp:" + CODE + "@"),
                        RtspPlayers.Transport.UDP, List.of("h264", "aac"));
                RtspPlayers.assertFfprobeSeesStreams(url.replace("rtsp://", "rtsps://bblp:" + CODE + "@"),
                        RtspPlayers.Transport.TCP, List.of("h264", "aac"));
            } finally {
                if (tcp != null) {
                    tcp.close();
                }
                if (udp != null) {
                    udp.close();
                }
                proxy.close();
                group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
                clients.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
            }
        }
    }

    /**
     * DESCRIBE (two media: H.264 then AAC), SETUP of each track in one session (TCP channels 0-1
     * and 2-3, or UDP ports whose packets are marked -1/-2 and -3/-4), PLAY with RTP-Info for
     * both; returns the SSRC each SETUP announced.
     */
    private static List<Long> playBoth(RtspTestClient c, String url, boolean overUdp) throws Exception {
        FullHttpResponse describe = expect(200, c.request("DESCRIBE", url, Map.of()));
        Sdp sdp = Sdp.parse(RtspTestClient.body(describe));
        assertEquals(2, sdp.media().size(), sdp.toString());
        SdpMedia video = sdp.media().get(0);
        SdpMedia audio = sdp.media().get(1);
        assertTrue(video.isH264());
        assertEquals("audio", audio.type());
        assertEquals("MPEG4-GENERIC", audio.rtpmap(audio.payloadType()).orElseThrow().encoding().toUpperCase());
        assertTrue(audio.fmtp(audio.payloadType()).containsKey("config"), "AAC config passed on: " + audio);
        assertEquals(List.of("trackID=0", "trackID=1"), sdp.media().stream().map(m -> m.control().orElseThrow()).toList());
        String base = describe.headers().get(RtspHeaderNames.CONTENT_BASE);
        long[] ssrcs = new long[2];
        for (int track = 0; track < 2; track++) {
            String transport;
            if (overUdp) {
                DatagramSocket rtp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket rtcp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                c.closeWithClient(rtp, rtcp);
                c.startUdpReader(rtp, -1 - 2 * track);
                c.startUdpReader(rtcp, -2 - 2 * track);
                transport = "RTP/AVP;unicast;client_port=" + rtp.getLocalPort() + "-" + rtcp.getLocalPort();
            } else {
                transport = "RTP/AVP/TCP;unicast;interleaved=" + 2 * track + "-" + (2 * track + 1);
            }
            FullHttpResponse setup = expect(200, c.request("SETUP", base + "trackID=" + track, Map.of("Transport", transport)));
            Transport answer = Transport.parse(setup.headers().get(RtspHeaderNames.TRANSPORT));
            assertFalse(overUdp ? answer.serverPort() == null : answer.interleaved() == null, answer.format());
            ssrcs[track] = Long.parseLong(answer.param("ssrc"), 16);
        }
        FullHttpResponse play = expect(200, c.request("PLAY", url, Map.of()));
        List<RtpInfo> info = RtpInfo.parse(play.headers().get(RtspHeaderNames.RTP_INFO));
        assertEquals(List.of(base + "trackID=0", base + "trackID=1"), info.stream().map(RtpInfo::url).toList());
        return List.of(ssrcs[0], ssrcs[1]);
    }

    /** At least {@code count} packets on that channel, all valid RTP with that SSRC, no sequence gaps. */
    private static void assertTrack(RtspTestClient c, int channel, long ssrc, int count, boolean video) {
        Await.until(count + " packets on channel " + channel, WAIT,
                () -> c.packets.stream().filter(p -> p.channel() == channel).count() >= count);
        List<RtspTestClient.Packet> packets = c.packets.stream().filter(p -> p.channel() == channel).toList();
        ByteBuf first = Unpooled.wrappedBuffer(packets.get(0).data());
        if (video) {
            assertTrue(H264Packets.startsKeyframe(Rtp.payload(first)), "video starts at a keyframe");
        }
        for (int i = 0; i < packets.size(); i++) {
            ByteBuf p = Unpooled.wrappedBuffer(packets.get(i).data());
            assertTrue(Rtp.isValid(p));
            assertEquals(ssrc, Rtp.ssrc(p), "SSRC of packet " + i + " on channel " + channel);
            if (i > 0) {
                int prev = Rtp.sequence(Unpooled.wrappedBuffer(packets.get(i - 1).data()));
                assertEquals((prev + 1) & 0xFFFF, Rtp.sequence(p), "sequence gap at packet " + i + " on channel " + channel);
            }
        }
    }
}
