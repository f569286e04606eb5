package com.pandaproxy.rtsp.server;

import com.pandaproxy.net.LoginGate;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.rtsp.InterleavedFrame;
import com.pandaproxy.rtsp.NptRange;
import com.pandaproxy.rtsp.RtpInfo;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.SessionHeader;
import com.pandaproxy.rtsp.Transport;
import com.pandaproxy.rtsp.auth.ServerAuthenticator;
import com.pandaproxy.rtsp.relay.TrackClock;
import com.pandaproxy.rtsp.server.ClientSession.TrackTransport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: answers its RTSP requests in order (one at a time; DESCRIBE may wait
 * for the upstream), holds its session, and closes it when the client goes silent. Everything
 * here runs on the connection's event loop, except the PLAY answer, which the relay writes on
 * its own loop just before the client's first packet.
 */
final class RtspConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RtspConnection.class);
    private static final int MAX_QUEUED = 16;
    private static final String PUBLIC = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER";
    private static final long REPORT_INTERVAL_MILLIS = 5000;
    private static final HttpResponseStatus TOO_MANY_CLIENTS = new HttpResponseStatus(503, "Too Many Clients");

    /** What the handler keeps of a request (the decoded message is released at once). */
    private record Request(String method, String uri, String cseq, HttpHeaders headers) {
        String header(CharSequence name) {
            return headers.get(name);
        }
    }

    private final RtspServer server;
    private final Channel channel;
    private final LoginGate.Login login;
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private boolean busy;
    private boolean draining;
    private boolean authenticated;
    private ClientSession session;
    /** This client in the status's list while its session counts as a client. */
    private StatusBoard.Client listed;
    private String sessionBase;
    private ScheduledFuture<?> watchdog;
    private ScheduledFuture<?> reports;
    private volatile long lastHeardNanos = System.nanoTime();

    RtspConnection(RtspServer server, Channel channel, LoginGate.Login login) {
        this.server = server;
        this.channel = channel;
        this.login = login;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long timeout = server.settings().sessionTimeout().toMillis();
        long period = Math.max(50, timeout / 4);
        watchdog = ctx.executor().scheduleAtFixedRate(this::checkSilence, period, period, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    private void checkSilence() {
        long heard = session == null ? lastHeardNanos : Math.max(lastHeardNanos, session.lastSeenNanos());
        if (System.nanoTime() - heard > server.settings().sessionTimeout().toNanos()) {
            LOG.info("RTSP client {} silent for {} s: closing", peer(), server.settings().sessionTimeout().toSeconds());
            channel.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastHeardNanos = System.nanoTime();
        try {
            if (msg instanceof InterleavedFrame) {
                // RTCP receiver reports over TCP: their arrival is what matters
                if (session != null) {
                    session.touch();
                }
            } else if (msg instanceof FullHttpRequest req) {
                if (req.decoderResult().isFailure()) {
                    LOG.info("RTSP client {} sent a malformed request: closing", peer());
                    FullHttpResponse r = response(RtspResponseStatuses.BAD_REQUEST);
                    ctx.writeAndFlush(r).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                    return;
                }
                if (queue.size() >= MAX_QUEUED) {
                    LOG.info("RTSP client {} pipelined too many requests: closing", peer());
                    ctx.close();
                    return;
                }
                queue.add(new Request(req.method().name(), req.uri(), req.headers().get(RtspHeaderNames.CSEQ),
                        req.headers().copy()));
                drain();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (!busy && !queue.isEmpty() && channel.isActive()) {
                busy = true;
                Request r = queue.poll();
                try {
                    handle(r);
                } catch (IllegalArgumentException e) {
                    finish(r, response(RtspResponseStatuses.BAD_REQUEST));
                }
            }
        } finally {
            draining = false;
        }
    }

    /** Sends the answer to {@code r} (adding CSeq) and goes on with the next request. Channel loop only. */
    private void finish(Request r, FullHttpResponse resp) {
        send(r, resp);
        done();
    }

    private void send(Request r, FullHttpResponse resp) {
        if (r.cseq() != null) {
            resp.headers().set(RtspHeaderNames.CSEQ, r.cseq());
        }
        channel.writeAndFlush(resp);
    }

    private void done() {
        busy = false;
        channel.config().setAutoRead(true);
        drain();
    }

    private void handle(Request r) {
        if (r.cseq() == null) {
            finish(r, response(RtspResponseStatuses.BAD_REQUEST));
            return;
        }
        switch (r.method().toUpperCase(Locale.ROOT)) {
            case "OPTIONS" -> {
                FullHttpResponse resp = response(RtspResponseStatuses.OK);
                resp.headers().set(RtspHeaderNames.PUBLIC, PUBLIC);
                finish(r, resp);
            }
            case "DESCRIBE" -> describe(r);
            case "SETUP" -> setup(r);
            case "PLAY" -> play(r);
            case "PAUSE" -> pause(r);
            case "TEARDOWN" -> teardown(r);
            case "GET_PARAMETER", "SET_PARAMETER" -> keepalive(r);
            case "ANNOUNCE", "RECORD", "REDIRECT" -> {
                FullHttpResponse resp = response(RtspResponseStatuses.METHOD_NOT_ALLOWED);
                resp.headers().set("Allow", PUBLIC);
                finish(r, resp);
            }
            default -> finish(r, response(RtspResponseStatuses.NOT_IMPLEMENTED));
        }
    }

    private void describe(Request r) {
        StreamPaths.Target target = StreamPaths.match(r.uri());
        if (target == null || target.track() >= 0) {
            finish(r, response(RtspResponseStatuses.NOT_FOUND));
            return;
        }
        authorized(r, () -> withSdp(r, false, sdp -> {
            FullHttpResponse resp = response(RtspResponseStatuses.OK,
                    ProxySdp.of(sdp).format().getBytes(StandardCharsets.UTF_8));
            resp.headers().set(RtspHeaderNames.CONTENT_TYPE, "application/sdp");
            resp.headers().set(RtspHeaderNames.CONTENT_BASE, StreamPaths.base(r.uri()));
            finish(r, resp);
        }));
    }

    /** Runs {@code then} with the printer's SDP, waiting a few seconds for the upstream; else 503. */
    private void withSdp(Request r, boolean lastKnown, Consumer<Sdp> then) {
        Sdp now = lastKnown && server.relay().lastSdp() != null ? server.relay().lastSdp() : server.relay().sdp();
        if (now != null) {
            then.accept(now);
            return;
        }
        channel.config().setAutoRead(false);
        Future<Sdp> described = server.relay().whenDescribed();
        ScheduledFuture<?> timeout = channel.eventLoop().schedule(() -> described.cancel(false),
                server.settings().describeWait().toMillis(), TimeUnit.MILLISECONDS);
        described.addListener(f -> channel.eventLoop().execute(() -> {
            timeout.cancel(false);
            if (!channel.isActive()) {
                return;
            }
            if (f.isSuccess()) {
                later(r, () -> then.accept(described.getNow()));
            } else {
                FullHttpResponse resp = response(RtspResponseStatuses.SERVICE_UNAVAILABLE);
                resp.headers().set("Retry-After", "5");
                finish(r, resp);
            }
        }));
    }

    private void setup(Request r) {
        StreamPaths.Target target = StreamPaths.match(r.uri());
        if (target == null) {
            finish(r, response(RtspResponseStatuses.NOT_FOUND));
            return;
        }
        authorized(r, () -> withSdp(r, true, sdp -> {
            int track = target.track() < 0 && sdp.media().size() == 1 ? 0 : target.track();
            if (track < 0 || track >= sdp.media().size()) {
                finish(r, response(RtspResponseStatuses.NOT_FOUND));
                return;
            }
            String sessionHeader = r.header(RtspHeaderNames.SESSION);
            if (sessionHeader != null && !sameSession(sessionHeader)) {
                finish(r, response(RtspResponseStatuses.SESSION_NOT_FOUND));
                return;
            }
            String transportHeader = r.header(RtspHeaderNames.TRANSPORT);
            if (transportHeader == null) {
                finish(r, response(RtspResponseStatuses.BAD_REQUEST));
                return;
            }
            TrackTransport chosen = choose(Transport.parseOffers(transportHeader), track);
            if (chosen == null || (session != null && !session.tracks().isEmpty() && session.isTcp() != chosen.tcp())) {
                finish(r, response(RtspResponseStatuses.UNSUPPORTED_TRANSPORT));
                return;
            }
            if (session == null) {
                if (!server.reserveSession()) {
                    LOG.info("RTSP client {} refused: {} clients already", peer(), server.settings().maxClients());
                    finish(r, response(TOO_MANY_CLIENTS));
                    return;
                }
                session = new ClientSession(channel, server.udp());
            }
            session.setUp(chosen);
            String uri = com.pandaproxy.rtsp.RtspUrls.withoutUserInfo(r.uri());
            int trackAt = uri.lastIndexOf("/" + StreamPaths.TRACK);
            sessionBase = StreamPaths.base(trackAt < 0 ? uri : uri.substring(0, trackAt));
            TrackClock clock = server.relay().clock(track);
            Transport answer = chosen.tcp()
                    ? Transport.tcpInterleaved(chosen.rtpChannel(), chosen.rtcpChannel())
                    : Transport.udpUnicast(chosen.rtpAddress().getPort(), chosen.rtcpAddress().getPort())
                            .with("server_port", server.udp().rtpPort() + "-" + server.udp().rtcpPort());
            if (clock != null) {
                answer = answer.with("ssrc", String.format("%08X", clock.ssrc()));
            }
            FullHttpResponse resp = response(RtspResponseStatuses.OK);
            resp.headers().set(RtspHeaderNames.TRANSPORT, answer.format());
            resp.headers().set(RtspHeaderNames.SESSION, sessionValue());
            finish(r, resp);
        }));
    }

    /** The first transport we can serve: TCP interleaved, or unicast UDP to the client's own address. */
    private TrackTransport choose(List<Transport> offered, int track) {
        for (Transport t : offered) {
            if (t.isMulticast() || !t.isAvp()) {
                continue;
            }
            if (t.isTcp()) {
                int[] ch = t.interleaved();
                if (ch == null) {
                    ch = new int[] {2 * track, 2 * track + 1};
                }
                return new TrackTransport(track, ch[0], ch[1], null, null);
            }
            int[] ports = t.clientPort();
            if (ports != null && ports[0] > 0 && ports[1] > 0) {
                // only to the address the request came from: never a third party's
                InetAddress ip = ((InetSocketAddress) channel.remoteAddress()).getAddress();
                return new TrackTransport(track, -1, -1, new InetSocketAddress(ip, ports[0]), new InetSocketAddress(ip, ports[1]));
            }
        }
        return null;
    }

    private void play(Request r) {
        if (!checkSession(r)) {
            return;
        }
        if (session.tracks().isEmpty()) {
            finish(r, response(RtspResponseStatuses.METHOD_NOT_VALID));
            return;
        }
        if (session.playing()) {
            FullHttpResponse resp = response(RtspResponseStatuses.OK);
            resp.headers().set(RtspHeaderNames.SESSION, sessionValue());
            resp.headers().set(RtspHeaderNames.RANGE, NptRange.LIVE);
            finish(r, resp);
            return;
        }
        ClientSession s = session;
        s.playing(true);
        String base = sessionBase;
        String sessionValue = sessionValue();
        server.relay().attach(s.sink(), t -> base + StreamPaths.TRACK + t, s.trackList(), info -> {
            // on the relay's loop, just before the first packet: the answer must precede it on the wire
            FullHttpResponse resp = response(RtspResponseStatuses.OK);
            resp.headers().set(RtspHeaderNames.SESSION, sessionValue);
            resp.headers().set(RtspHeaderNames.RANGE, NptRange.LIVE);
            resp.headers().set(RtspHeaderNames.RTP_INFO, RtpInfo.format(info));
            send(r, resp);
            channel.eventLoop().execute(this::done);
        });
        if (s.markCounted()) {
            listed = server.status().clientConnected(channel.pipeline().get(SslHandler.class) != null ? "rtsps" : "rtsp",
                    channel.remoteAddress());
        }
        reports = channel.eventLoop().scheduleAtFixedRate(() -> s.sendReports(server.relay()::clock),
                1000, REPORT_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("RTSP client {} playing {} over {} ({})", peer(), base.replaceFirst("^[a-z]+://[^/]*", "").replaceFirst("/$", ""),
                s.isTcp() ? "TCP" : "UDP", channel.pipeline().get(SslHandler.class) != null ? "RTSPS" : "RTSP");
    }

    private void pause(Request r) {
        if (!checkSession(r)) {
            return;
        }
        stopPlaying();
        FullHttpResponse resp = response(RtspResponseStatuses.OK);
        resp.headers().set(RtspHeaderNames.SESSION, sessionValue());
        finish(r, resp);
    }

    private void teardown(Request r) {
        if (!checkSession(r)) {
            return;
        }
        FullHttpResponse resp = response(RtspResponseStatuses.OK);
        resp.headers().set(RtspHeaderNames.SESSION, sessionValue());
        endSession("teardown");
        finish(r, resp);
    }

    private void keepalive(Request r) {
        String header = r.header(RtspHeaderNames.SESSION);
        if (header != null && !sameSession(header)) {
            finish(r, response(RtspResponseStatuses.SESSION_NOT_FOUND));
            return;
        }
        if (session != null) {
            session.touch();
        }
        FullHttpResponse resp = response(RtspResponseStatuses.OK);
        if (session != null) {
            resp.headers().set(RtspHeaderNames.SESSION, sessionValue());
        }
        finish(r, resp);
    }

    /** A request that needs the session: 454 unless it names ours. */
    private boolean checkSession(Request r) {
        String header = r.header(RtspHeaderNames.SESSION);
        if (header == null || !sameSession(header)) {
            finish(r, response(RtspResponseStatuses.SESSION_NOT_FOUND));
            return false;
        }
        session.touch();
        return true;
    }

    private boolean sameSession(String header) {
        try {
            return session != null && SessionHeader.parse(header).id().equals(session.id());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private String sessionValue() {
        return new SessionHeader(session.id(), (int) server.settings().sessionTimeout().toSeconds()).format();
    }

    /**
     * Runs {@code then} once the connection has logged in; else answers 401 with the challenges.
     * The answer to wrong credentials may be held back by the login gate's throttle; right ones
     * go on at once.
     */
    private void authorized(Request r, Runnable then) {
        if (authenticated) {
            then.run();
            return;
        }
        switch (server.settings().auth().verify(r.method(), r.header(RtspHeaderNames.AUTHORIZATION))) {
            case OK -> {
                authenticated = true;
                login.passed();
                then.run();
            }
            case FAILED -> {
                LOG.info("RTSP login failed from {}", peer());
                channel.config().setAutoRead(false);
                login.failed(() -> finish(r, unauthorized(false)));
            }
            case STALE -> finish(r, unauthorized(true));
            case MISSING -> finish(r, unauthorized(false));
        }
    }

    /**
     * Runs a step of answering {@code r} that was put off (outside {@link #drain()}, which answers
     * 400 itself): a malformed header found only then still gets 400 instead of no answer.
     */
    private void later(Request r, Runnable step) {
        try {
            step.run();
        } catch (IllegalArgumentException e) {
            finish(r, response(RtspResponseStatuses.BAD_REQUEST));
        }
    }

    private FullHttpResponse unauthorized(boolean stale) {
        FullHttpResponse resp = response(RtspResponseStatuses.UNAUTHORIZED);
        for (String c : server.settings().auth().challenges(stale)) {
            resp.headers().add(RtspHeaderNames.WWW_AUTHENTICATE, c);
        }
        return resp;
    }

    private void stopPlaying() {
        if (session != null && session.playing()) {
            server.relay().detach(session.sink());
            session.playing(false);
        }
        if (reports != null) {
            reports.cancel(false);
            reports = null;
        }
    }

    private void endSession(String why) {
        if (session == null) {
            return;
        }
        stopPlaying();
        session.release();
        server.releaseSession();
        if (session.counted()) {
            server.status().clientDisconnected(listed);
            LOG.info("RTSP client {} stopped ({}; {} packets dropped as slow)", peer(), why, session.sink().dropped());
        }
        session = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        endSession("disconnected");
        queue.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            String what = cause.getCause() != null ? cause.getCause().getClass().getSimpleName() : cause.getMessage();
            LOG.info("RTSP client {} sent bad data ({}): closing", peer(), what);
        } else if (cause instanceof IOException) {
            LOG.debug("RTSP client {}: {}", peer(), cause.toString());
        } else {
            LOG.warn("RTSP client {}: unexpected error, closing", peer(), cause);
        }
        ctx.close();
    }

    private String peer() {
        InetSocketAddress a = (InetSocketAddress) channel.remoteAddress();
        return a == null ? "?" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static FullHttpResponse response(HttpResponseStatus status) {
        return response(status, null);
    }

    private static FullHttpResponse response(HttpResponseStatus status, byte[] body) {
        FullHttpResponse resp = new DefaultFullHttpResponse(RtspVersions.RTSP_1_0, status,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        resp.headers().set(RtspHeaderNames.SERVER, "PandaProxy");
        if (body != null) {
            resp.headers().set(RtspHeaderNames.CONTENT_LENGTH, body.length);
        }
        return resp;
    }
}
