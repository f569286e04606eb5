package com.pandaproxy.sim;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.rtsp.RtspCodec;
import com.pandaproxy.rtsp.auth.Challenge;
import com.pandaproxy.rtsp.auth.ServerAuthenticator;
import com.pandaproxy.tls.ServerCertificate;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated X1/H2/P2 printer camera: RTSPS (TLS only, its own self-signed certificate) on
 * loopback, serving a looped H.264 test clip at {@code rtsps://bblp:<code>@127.0.0.1:<port>/streaming/live/1}
 * with the real printer's habits: a request URI saying {@code rtsp://} gets {@code 301 Moved
 * Permanently} to the {@code rtsps://} one, Basic or Digest authentication, RTP over the RTSP
 * connection only (TCP interleaved), and one viewer at a time (another gets {@code 453}).
 * Knobs let tests stop and restart it on the same port, freeze the video, expire nonces, etc.
 */
public final class RtspSimulator implements SimulatedPrinter {
    private static final Logger LOG = LoggerFactory.getLogger(RtspSimulator.class);
    static final String TRACK = "trackID=1";
    static final String REALM = "BambuLab";

    /** How the simulated printer asks for the access code. */
    public enum Auth { BASIC, DIGEST, DIGEST_WITHOUT_QOP }

    private final Auth auth;
    private final H264Clip clip;
    private final SslContext ssl;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final LoopbackServer server = new LoopbackServer(group, this::initChannel);
    private final OffsetClock clock = new OffsetClock();
    private final ServerAuthenticator authenticator;
    private final AtomicReference<SimulatorConnection> viewer = new AtomicReference<>();
    private final AtomicInteger plays = new AtomicInteger();
    private final AtomicInteger keepalives = new AtomicInteger();
    private final AtomicInteger rtcpReports = new AtomicInteger();
    private final AtomicInteger teardowns = new AtomicInteger();
    private final AtomicInteger options = new AtomicInteger();
    private volatile int sessionTimeout = 60;
    private volatile boolean frozen;
    private volatile String redirect;
    private volatile boolean getParameterSupported = true;
    private volatile boolean redirectPlainUris = true;
    private volatile ObjLongConsumer<byte[]> pictureSent = (nal, nanos) -> { };

    private RtspSimulator(String accessCode, Auth auth, H264Clip clip, ServerCertificate identity) {
        this.auth = auth;
        this.clip = clip;
        this.ssl = LoopbackServer.tls(identity);
        this.authenticator = new ServerAuthenticator(REALM, Bambu.USER, accessCode, clock);
    }

    /** Starts on loopback with Digest authentication; {@code port} 0 picks a free port. */
    public static RtspSimulator start(int port, String accessCode) {
        return start(port, accessCode, Auth.DIGEST);
    }

    /** With a self-signed certificate of its own, made anew. */
    public static RtspSimulator start(int port, String accessCode, Auth auth) {
        return start(port, accessCode, auth, H264Clip.load(), ServerCertificate.ephemeral());
    }

    /** Presenting {@code identity} (e.g. a printer certificate issued by a CA: {@code LocalCa}). */
    public static RtspSimulator start(int port, String accessCode, Auth auth, ServerCertificate identity) {
        return start(port, accessCode, auth, H264Clip.load(), identity);
    }

    /**
     * Serves another clip (tests, benchmarks): an H.264 Annex B file, one slice per picture,
     * starting with SPS, PPS and an IDR, played at {@code fps} frames per second.
     */
    public static RtspSimulator start(int port, String accessCode, Auth auth, Path clip, int fps) {
        try {
            return start(port, accessCode, auth, H264Clip.parse(Files.readAllBytes(clip), fps), ServerCertificate.ephemeral());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RtspSimulator start(int port, String accessCode, Auth auth, H264Clip clip, ServerCertificate identity) {
        RtspSimulator sim = new RtspSimulator(accessCode, auth, clip, identity);
        sim.server.bind(port, sim);
        return sim;
    }

    private void initChannel(SocketChannel ch) {
        SslHandler tls = ssl.newHandler(ch.alloc());
        tls.setHandshakeTimeoutMillis(5000);
        ch.pipeline().addLast("tls", tls);
        RtspCodec.install(ch.pipeline());
        ch.pipeline().addLast("idle", new IdleStateHandler(sessionTimeout, 0, 0));
        ch.pipeline().addLast("printer", new SimulatorConnection(this));
    }

    @Override
    public int port() {
        return server.port();
    }

    /** The stream URL without credentials. */
    public String url() {
        return "rtsps://127.0.0.1:" + port() + Bambu.STREAM_PATH;
    }

    /** Like the printer going away: stops listening and drops every connection. */
    public void stop() {
        server.stop();
    }

    /** Like the printer coming back: listens again on the same port. */
    public void restart() {
        server.restart();
    }

    /** While frozen the connections stay up but no RTP is sent (a hung camera). */
    public void freeze(boolean frozen) {
        this.frozen = frozen;
    }

    /** Answers every DESCRIBE with {@code 302 Moved Temporarily} to {@code location} (null: serve normally). */
    public void redirect(String location) {
        this.redirect = location;
    }

    /**
     * Whether a request URI saying {@code rtsp://} gets the printer's {@code 301} to {@code rtsps://}
     * (default). Off, it is served: GStreamer's rtspsrc sends {@code rtsp://} request URIs even to an
     * {@code rtsps://} location and follows that redirect forever, so the GStreamer relay the
     * benchmarks compare with can pull from the simulator only this way.
     */
    public void redirectPlainUris(boolean redirect) {
        this.redirectPlainUris = redirect;
    }

    boolean redirectsPlainUris() {
        return redirectPlainUris;
    }

    /**
     * Told of every picture as it is flushed to a viewer's socket (before its TLS records are made
     * and written): its last NAL unit (without start code) and {@link System#nanoTime()} then. On
     * the simulator's event loop; benchmarks
     * time a picture's way to their clients with it (a relay may repacketize, but keeps the NAL units).
     */
    public void onPictureSent(ObjLongConsumer<byte[]> listener) {
        this.pictureSent = listener;
    }

    /** Whether GET_PARAMETER is answered (else 501, so clients must keep alive with OPTIONS). */
    public void getParameterSupported(boolean supported) {
        this.getParameterSupported = supported;
    }

    /**
     * The session timeout announced to new sessions, in seconds (default 60); a connection that
     * sends nothing (no request, no RTCP) for that long is closed.
     */
    public void sessionTimeout(int seconds) {
        this.sessionTimeout = seconds;
    }

    /** Makes every Digest nonce given out so far stale (a new challenge with {@code stale=TRUE}). */
    public void expireNonces() {
        clock.advance(ServerAuthenticator.NONCE_LIFETIME_MILLIS + 60_000);
    }

    /** Viewers playing now (0 or 1). */
    public int viewers() {
        return viewer.get() == null ? 0 : 1;
    }

    public int plays() {
        return plays.get();
    }

    public int keepalives() {
        return keepalives.get();
    }

    public int rtcpReports() {
        return rtcpReports.get();
    }

    /** OPTIONS requests answered (some clients keep sessions alive with them). */
    public int options() {
        return options.get();
    }

    public int teardowns() {
        return teardowns.get();
    }

    @Override
    public void close() {
        stop();
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }

    // --- called by SimulatorConnection on the event loop

    H264Clip clip() {
        return clip;
    }

    int sessionTimeout() {
        return sessionTimeout;
    }

    void optionsSeen() {
        options.incrementAndGet();
    }

    String redirect() {
        return redirect;
    }

    boolean frozen() {
        return frozen;
    }

    void pictureSent(byte[] lastNal, long nanos) {
        pictureSent.accept(lastNal, nanos);
    }

    boolean getParameterSupported() {
        return getParameterSupported;
    }

    boolean takeViewerSlot(SimulatorConnection c) {
        return viewer.compareAndSet(null, c) || viewer.get() == c;
    }

    void releaseViewerSlot(SimulatorConnection c) {
        viewer.compareAndSet(c, null);
    }

    void played() {
        plays.incrementAndGet();
    }

    void keepalive() {
        keepalives.incrementAndGet();
    }

    void rtcpReceived() {
        rtcpReports.incrementAndGet();
    }

    void teardownSeen() {
        teardowns.incrementAndGet();
    }

    /** Null when the Authorization header is good, else the WWW-Authenticate values for a 401. */
    List<String> checkAuth(String method, String authorization) {
        boolean digestOffered = auth != Auth.BASIC;
        boolean schemeOk = authorization != null
                && authorization.trim().regionMatches(true, 0, digestOffered ? "Digest " : "Basic ", 0, digestOffered ? 7 : 6);
        ServerAuthenticator.Result result = schemeOk ? authenticator.verify(method, authorization) : ServerAuthenticator.Result.MISSING;
        if (result == ServerAuthenticator.Result.OK) {
            return null;
        }
        if (result == ServerAuthenticator.Result.FAILED) {
            LOG.info("Simulated printer: wrong credentials");
        }
        boolean stale = result == ServerAuthenticator.Result.STALE;
        return switch (auth) {
            case BASIC -> List.of(Challenge.basic(REALM).format());
            case DIGEST -> List.of(Challenge.digest(REALM, authenticator.newNonce(), true, stale).format());
            case DIGEST_WITHOUT_QOP -> List.of(Challenge.digest(REALM, authenticator.newNonce(), false, stale).format());
        };
    }

    /** The session description: one H.264 track, parameter sets out of band too. */
    String sdp() {
        return "v=0\r\n"
                + "o=- 1 1 IN IP4 127.0.0.1\r\n"
                + "s=PandaProxy simulated printer\r\n"
                + "c=IN IP4 0.0.0.0\r\n"
                + "t=0 0\r\n"
                + "a=control:*\r\n"
                + "a=range:npt=0-\r\n"
                + "m=video 0 RTP/AVP " + ClipStreamer.PAYLOAD_TYPE + "\r\n"
                + "a=rtpmap:" + ClipStreamer.PAYLOAD_TYPE + " H264/" + ClipStreamer.CLOCK_RATE + "\r\n"
                + "a=fmtp:" + ClipStreamer.PAYLOAD_TYPE + " packetization-mode=1;profile-level-id=" + clip.profileLevelId()
                + ";sprop-parameter-sets=" + clip.spropParameterSets() + "\r\n"
                + "a=framerate:" + clip.fps() + "\r\n"
                + "a=control:" + TRACK + "\r\n";
    }

    /** The wall clock, movable forward so tests can make Digest nonces stale. */
    private static final class OffsetClock extends Clock {
        private volatile long offsetMillis;

        void advance(long millis) {
            offsetMillis += millis;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offsetMillis;
        }
    }
}
