package com.pandaproxy.rtsp;

import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.PrinterAddress;
import com.pandaproxy.printer.ProxyContext;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.Interop;
import com.pandaproxy.testutil.Programs;
import com.pandaproxy.testutil.RtspPlayers;
import com.pandaproxy.testutil.RtspPlayers.Transport;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The relay between two MediaMTX servers (its Docker image; nobody on the team wrote it). As the
 * printer: MediaMTX over RTSPS with Digest authentication, fed by FFmpeg publishing the
 * simulator's H.264 clip plus an AAC tone. As the client: another MediaMTX pulling the proxy's
 * stream as a path source (plain RTSP, and RTSPS with the proxy's certificate pinned by its
 * fingerprint), read back by ffprobe and ffmpeg. Opt-in: {@code ./mvnw -Ptestcontainers test
 * -Dtest=MediaMtxContainerTest}; skipped where there is no Docker, and CI does not rely on it.
 */
@Tag("testcontainers")
@org.testcontainers.junit.jupiter.Testcontainers(disabledWithoutDocker = true)
class MediaMtxContainerTest {
    private static final DockerImageName IMAGE = DockerImageName.parse("bluenviron/mediamtx:1.19.3");
    private static final String CODE = "31415926";
    private static final String PATH = "streaming/live/1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> STREAMS = List.of("h264", "aac");

    @TempDir
    Path dir;
    Path ffprobe;

    @Test
    void relaysMediaMtxToMediaMtx() throws Exception {
        Path ffmpeg = Interop.require("ffmpeg");
        ffprobe = Interop.require("ffprobe");
        ServerCertificate printerIdentity = ServerCertificate.ephemeral();
        try (GenericContainer<?> printer = new GenericContainer<>(IMAGE)
                .withCopyToContainer(Transferable.of(printerConfig()), "/mediamtx.yml")
                .withCopyToContainer(Transferable.of(pem(printerIdentity.certificate())), "/certs/server.crt")
                .withCopyToContainer(Transferable.of(pem(printerIdentity.key())), "/certs/server.key")
                .withExposedPorts(8554, 8322)
                // the image has no shell, so the port check cannot run inside it: wait for its log
                .waitingFor(Wait.forLogMessage(".*\\[RTSPS\\].*opened.*", 1).withStartupTimeout(WAIT))) {
            printer.start();
            String published = "rtsp://bblp:" + CODE + "@" + printer.getHost() + ":" + printer.getMappedPort(8554) + "/" + PATH;
            Process publisher = publish(ffmpeg, published);
            try {
                // the harness first: the printer plays in ffprobe directly, so a failure further on is ours
                awaitStreams("MediaMTX has FFmpeg's stream", published, printer);
                relayTo(printer, publisher);
            } finally {
                publisher.destroy();
                if (!publisher.waitFor(5, TimeUnit.SECONDS)) {
                    publisher.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void relayTo(GenericContainer<?> printer, Process publisher) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        StatusBoard status = new StatusBoard(CameraType.RTSP);
        ServerCertificate proxyIdentity = ServerCertificate.ephemeral();
        PrinterAddress address = new PrinterAddress(printer.getHost(), 0, printer.getMappedPort(8322), new Secret(CODE));
        RtspProxy proxy = new RtspProxy(new ProxyContext(address, new Tls(proxyIdentity, Tls.defaultProvider()), group, status,
                new AuthThrottle()), new RtspProxy.Settings("127.0.0.1", 0, 10));
        try {
            proxy.start();
            Await.until("the proxy streams from MediaMTX", WAIT, () -> status.state() == UpstreamState.STREAMING);
            Assertions.assertTrue(publisher.isAlive(), "FFmpeg still publishing");
            String direct = "rtsp://bblp:" + CODE + "@127.0.0.1:" + proxy.port() + "/stream";
            RtspPlayers.assertFfprobeSeesStreams(direct, Transport.TCP, STREAMS);

            // MediaMTX in its container reaches the proxy on the host through Testcontainers' tunnel
            Testcontainers.exposeHostPorts(proxy.port());
            try (GenericContainer<?> viewer = new GenericContainer<>(IMAGE)
                    .withCopyToContainer(Transferable.of(viewerConfig(proxy.port(), fingerprint(proxyIdentity))), "/mediamtx.yml")
                    .withExposedPorts(8554)
                    .waitingFor(Wait.forLogMessage(".*\\[RTSP\\].*opened.*", 1).withStartupTimeout(WAIT))) {
                viewer.start();
                String base = "rtsp://" + viewer.getHost() + ":" + viewer.getMappedPort(8554) + "/";
                for (String path : List.of("fromproxy", "fromproxytls")) {
                    awaitStreams("MediaMTX pulls " + path + " from the proxy", base + path, viewer);
                    RtspPlayers.assertFfmpegDecodes(base + path, Transport.TCP, 30);
                }
                Assertions.assertTrue(status.snapshot().clients() >= 2, "MediaMTX's two sources are the proxy's clients");
            }
        } finally {
            proxy.close();
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        }
    }

    /** FFmpeg publishing the looped clip (remuxed to MP4: a raw H.264 input cannot loop) and a tone in AAC. */
    private Process publish(Path ffmpeg, String url) throws IOException {
        Path clip = dir.resolve("testclip.h264");
        try (InputStream in = MediaMtxContainerTest.class.getResourceAsStream("/sim/testclip.h264")) {
            Files.copy(in, clip);
        }
        Path mp4 = dir.resolve("testclip.mp4");
        Programs.Run remux = Programs.run(List.of(ffmpeg.toString(), "-nostdin", "-v", "error", "-fflags", "+genpts",
                "-framerate", "15", "-f", "h264", "-i", clip.toString(), "-c", "copy", mp4.toString()), Duration.ofSeconds(30));
        Assertions.assertTrue(remux.ok(), remux.describe());
        return new ProcessBuilder(ffmpeg.toString(), "-nostdin", "-v", "error",
                "-re", "-stream_loop", "-1", "-i", mp4.toString(),
                "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000",
                "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-b:a", "32k",
                "-t", "300", "-f", "rtsp", "-rtsp_transport", "tcp", url)
                .redirectErrorStream(true).redirectOutput(dir.resolve("publisher.log").toFile()).start();
    }

    /**
     * Asks ffprobe until it sees the published streams (a MediaMTX path answers 404 until its
     * source is ready); on failure the message carries ffprobe's last words, MediaMTX's log and FFmpeg's.
     */
    private void awaitStreams(String what, String url, GenericContainer<?> server) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Programs.Run last;
        do {
            last = Programs.run(List.of(ffprobe.toString(), "-v", "error", "-rtsp_transport", "tcp",
                    "-show_entries", "stream=codec_name", "-of", "default=nw=1:nk=1", url), Duration.ofSeconds(15));
            if (last.ok() && last.output().lines().map(String::trim).filter(l -> !l.isEmpty()).toList().equals(STREAMS)) {
                return;
            }
            Thread.sleep(500); // between runs of an external program, not instead of a condition
        } while (System.nanoTime() < deadline);
        Path publisherLog = dir.resolve("publisher.log");
        Assertions.fail(what + ": not within " + WAIT.toSeconds() + " s; " + last.describe() + "\nMediaMTX:\n"
                + tail(server.getLogs()) + "\nFFmpeg publishing:\n" + (Files.exists(publisherLog) ? tail(Files.readString(publisherLog)) : ""));
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 4000));
    }

    /** The printer: RTSP (for FFmpeg) and RTSPS (for the proxy) over TCP, Digest only, one user. */
    private static String printerConfig() {
        return """
                logLevel: info
                rtsp: true
                rtspTransports: [tcp]
                rtspEncryption: optional
                rtspAddress: :8554
                rtspsAddress: :8322
                rtspServerKey: /certs/server.key
                rtspServerCert: /certs/server.crt
                rtspAuthMethods: [digest]
                rtmp: false
                hls: false
                webrtc: false
                srt: false
                authInternalUsers:
                - user: bblp
                  pass: "%s"
                  permissions:
                  - action: publish
                  - action: read
                paths:
                  all_others:
                """.formatted(CODE);
    }

    /** The viewer: two paths whose source is the proxy, over RTSP and over RTSPS (certificate pinned). */
    private static String viewerConfig(int proxyPort, String fingerprint) {
        return """
                logLevel: info
                rtsp: true
                rtspTransports: [tcp]
                rtspEncryption: "no"
                rtspAddress: :8554
                rtmp: false
                hls: false
                webrtc: false
                srt: false
                authInternalUsers:
                - user: any
                  permissions:
                  - action: read
                paths:
                  fromproxy:
                    source: rtsp://bblp:%1$s@host.testcontainers.internal:%2$d/stream
                    rtspTransport: tcp
                  fromproxytls:
                    source: rtsps://bblp:%1$s@host.testcontainers.internal:%2$d/streaming/live/1
                    sourceFingerprint: %3$s
                    rtspTransport: tcp
                """.formatted(CODE, proxyPort, fingerprint);
    }

    /** SHA-256 of the certificate, lower-case hex without colons, as MediaMTX's sourceFingerprint wants it. */
    private static String fingerprint(ServerCertificate identity) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(identity.certificate().getEncoded()));
    }

    private static String pem(Object value) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(value);
        }
        return s.toString();
    }
}
