package com.pandaproxy.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.sim.RtspSimulator;
import com.pandaproxy.testutil.RtspPlayers;
import com.pandaproxy.testutil.RtspPlayers.UdpLoss;
import com.pandaproxy.testutil.TestClips;
import com.pandaproxy.testutil.UdpViewer;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Viewers over UDP (FFmpeg, GStreamer's rtspsrc, {@link UdpViewer}s counting sequence numbers) of
 * the simulated printer's 1080p30 ~4.1 Mbit/s stream through the proxy: joins (each replaying the
 * cached GOP to the joiner) and a viewer too slow to read its socket cost nobody else a packet.
 * The proxy's session timeout is 3 s and the UdpViewers' only keepalive is an RTCP receiver
 * report every 500 ms, so every viewer still playing at the end also shows reports are honoured.
 */
@Tag("interop")
class UdpViewersInteropTest {
    static final String CODE = "24681357";
    static ProxiedPrinter relay;
    static String url;
    static ResourceLeakDetector.Level leakLevel;

    @BeforeAll
    static void start() throws Exception {
        // real time at 4 Mbit/s to 18 viewers: paranoid leak tracking (a stack trace for every access
        // to every packet's duplicate) would slow the relay itself; sampled detection still runs, and
        // UdpSenderTest and RtspProxyEndToEndTest check the UDP path's buffers at paranoid
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        relay = ProxiedPrinter.start(RtspSimulator.start(0, CODE, RtspSimulator.Auth.BASIC, TestClips.hd(), TestClips.HD_FPS),
                CODE, 40, Duration.ofSeconds(3));
        url = "rtsp://127.0.0.1:" + relay.port() + Bambu.STREAM_PATH;
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
        ResourceLeakDetector.setLevel(leakLevel);
    }

    @Test
    void tenUdpViewersLoseNothingWhileEightJoin() throws Exception {
        String withCredentials = url.replace("rtsp://", "rtsp://bblp:" + CODE + "@");
        List<CompletableFuture<UdpLoss>> players = new ArrayList<>();
        List<UdpViewer> first = new ArrayList<>();
        List<UdpViewer> joiners = new ArrayList<>();
        long kernelDrops = UdpViewer.kernelReceiveBufferDrops();
        try {
            // ten watching: eight counting viewers, FFmpeg and GStreamer, started a little apart
            players.add(RtspPlayers.ffmpegUdpLoss(withCredentials, Duration.ofSeconds(20)));
            players.add(RtspPlayers.gstreamerUdpLoss(url, Bambu.USER, CODE, Duration.ofSeconds(20)));
            for (int i = 0; i < 8; i++) {
                first.add(UdpViewer.play(url, Bambu.USER, CODE, UdpViewer.Options.DEFAULT));
                Thread.sleep(250);
            }
            // eight joining, one every 2 s, each getting the GOP so far: FFmpeg, GStreamer, and counting
            // viewers with GStreamer's receive buffer size or FFmpeg's
            for (int i = 0; i < 8; i++) {
                Thread.sleep(2000);
                if (i == 1) {
                    players.add(RtspPlayers.ffmpegUdpLoss(withCredentials, Duration.ofSeconds(14)));
                } else if (i == 2) {
                    players.add(RtspPlayers.gstreamerUdpLoss(url, Bambu.USER, CODE, Duration.ofSeconds(12)));
                } else {
                    joiners.add(UdpViewer.play(url, Bambu.USER, CODE, i % 2 == 0 ? UdpViewer.Options.DEFAULT : UdpViewer.Options.FFMPEG_BUFFER));
                }
            }
            Thread.sleep(2000);
            List<String> report = new ArrayList<>();
            report.add("datagrams dropped at full receive buffers meanwhile: " + (UdpViewer.kernelReceiveBufferDrops() - kernelDrops));
            first.forEach(v -> report.add("watching " + v.stats()));
            joiners.forEach(v -> report.add("joined " + v.stats()));
            for (UdpViewer v : first) {
                UdpViewer.Stats s = v.stats();
                assertTrue(s.received() > 5000, "every first viewer played throughout: " + report);
                assertEquals(0, s.lost(), "no viewer lost a packet: " + report);
                assertTrue(s.longestGapMillis() < 500, "no viewer froze: " + report);
            }
            for (UdpViewer v : joiners) {
                UdpViewer.Stats s = v.stats();
                assertTrue(s.startedAtKeyframe() && s.firstPacketMillis() < 1000, "every joiner started at a keyframe at once: " + report);
                assertEquals(0, s.lost(), "no joiner lost a packet: " + report);
                assertTrue(s.longestGapMillis() < 500, "no joiner froze: " + report);
            }
        } finally {
            first.forEach(UdpViewer::close);
            joiners.forEach(UdpViewer::close);
        }
        for (CompletableFuture<UdpLoss> f : players) {
            UdpLoss player = f.get(60, TimeUnit.SECONDS);
            assertEquals(0, player.lost(), player.player() + " reported lost packets (datagrams dropped at full receive buffers: "
                    + (UdpViewer.kernelReceiveBufferDrops() - kernelDrops) + "): " + player.log());
            assertTrue(player.pictures() > 10 * TestClips.HD_FPS, player.player() + " played throughout: " + player.log());
        }
    }

    @Test
    void aSlowUdpViewerLosesOnlyItsOwnPackets() throws Exception {
        List<UdpViewer> others = new ArrayList<>();
        UdpViewer slow = null;
        try {
            for (int i = 0; i < 4; i++) {
                others.add(UdpViewer.play(url, Bambu.USER, CODE, UdpViewer.Options.DEFAULT));
            }
            // the stream is ~380 packets/s: a 32 KB socket buffer read at 50 packets/s overflows within a second
            slow = UdpViewer.play(url, Bambu.USER, CODE, UdpViewer.Options.slow(16 * 1024, 50));
            Thread.sleep(3000);
            others.add(UdpViewer.play(url, Bambu.USER, CODE, UdpViewer.Options.DEFAULT));
            Thread.sleep(3000);
            List<String> report = new ArrayList<>();
            others.forEach(v -> report.add(v.stats().toString()));
            report.add("slow viewer " + slow.stats());
            assertTrue(slow.stats().lost() > 100, "the slow viewer really was too slow: " + slow.stats());
            for (UdpViewer v : others) {
                assertEquals(0, v.stats().lost(), "the others lost nothing: " + report);
                assertTrue(v.stats().longestGapMillis() < 500, "the others never froze: " + report);
            }
        } finally {
            others.forEach(UdpViewer::close);
            if (slow != null) {
                slow.close();
            }
        }
    }
}
