package com.pandaproxy.rtsp;

import com.pandaproxy.net.Errors;
import com.pandaproxy.net.Version;
import com.pandaproxy.printer.UpstreamLifecycle;
import com.pandaproxy.printer.UpstreamLifecycle.Connection;
import com.pandaproxy.rtsp.auth.ClientAuthenticator;
import com.pandaproxy.rtsp.rtp.Rtp;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The RTSP conversation with the printer on one TLS connection: OPTIONS, DESCRIBE, SETUP of
 * every track over TCP-interleaved channels, PLAY, then keepalives; answers 401 (Basic/Digest,
 * stale nonces) and same-server redirects in place. Packets go to the {@link UpstreamListener};
 * PLAY starts the watchdog and RTP counts as alive; failures end the {@link Connection} with one
 * sentence (never a secret). Runs on the channel's loop.
 */
final class UpstreamSession extends ChannelInboundHandlerAdapter implements UpstreamLifecycle.Session {
    static final long RESPONSE_TIMEOUT_MILLIS = 10_000;
    /** A new challenge is answered at most this often per request (stale nonces), then it is a refusal. */
    static final int MAX_AUTH_ATTEMPTS = 3;
    static final int MAX_REDIRECTS = 3;
    private static final String USER_AGENT = "PandaProxy/" + Version.current();

    private enum Step { OPTIONS, DESCRIBE, SETUP, PLAY, KEEPALIVE, TEARDOWN }

    private final RtspUpstream owner;
    private final Connection connection;
    private final UpstreamListener listener;
    private final ClientAuthenticator auth;
    private final int[] channelTrack = new int[256];
    private final boolean[] channelRtcp = new boolean[256];

    private ChannelHandlerContext ctx;
    private String url;
    private int redirects;
    private int cseq;
    private Step step;
    private String pendingUri;
    private int authAttempts;
    private ScheduledFuture<?> responseTimeout;
    private ScheduledFuture<?> keepaliveTimer;
    private boolean getParameterWorks = true;
    private Sdp sdp;
    private String base;
    private int track;
    private String session;
    private int sessionTimeoutSeconds = SessionHeader.DEFAULT_TIMEOUT;
    private boolean described;

    UpstreamSession(RtspUpstream owner, Connection connection, UpstreamListener listener, String url, int redirects,
            String user, String password) {
        this.owner = owner;
        this.connection = connection;
        this.listener = listener;
        this.url = url;
        this.redirects = redirects;
        this.auth = new ClientAuthenticator(user, password);
        Arrays.fill(channelTrack, -1);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                send(Step.OPTIONS, url);
            } // a failure is the lifecycle's to report
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof InterleavedFrame frame) {
            if (connection.over()) {
                frame.release(); // ending: the relay expects nothing more
            } else {
                packet(frame);
            }
            return;
        }
        if (connection.over() && step != Step.TEARDOWN) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (msg instanceof FullHttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    connection.fail("sent a malformed RTSP answer");
                } else {
                    response(response);
                }
            } else if (msg instanceof FullHttpRequest request) {
                serverRequest(request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void packet(InterleavedFrame frame) {
        int ch = frame.channel();
        int t = channelTrack[ch];
        ByteBuf data = frame.content();
        if (t < 0) {
            frame.release();
            return;
        }
        if (channelRtcp[ch]) {
            listener.packet(t, true, data);
            return;
        }
        if (!Rtp.isValid(data)) {
            frame.release();
            return;
        }
        connection.alive();
        listener.packet(t, false, data);
    }

    private void response(FullHttpResponse r) {
        if (step == null) {
            return; // nothing asked: a stray answer
        }
        String cseqHeader = r.headers().get(RtspHeaderNames.CSEQ);
        if (cseqHeader != null && !cseqHeader.trim().equals(String.valueOf(cseq))) {
            return; // an answer to an earlier request we gave up on
        }
        cancelResponseTimeout();
        Step answered = step;
        String uri = pendingUri;
        step = null;
        int code = r.status().code();
        if (code == 401) {
            List<String> challenges = r.headers().getAll(RtspHeaderNames.WWW_AUTHENTICATE);
            if (++authAttempts <= MAX_AUTH_ATTEMPTS && auth.challenged(challenges)) {
                send(answered, uri);
            } else {
                connection.rejected("refused the access code (401 Unauthorized)");
            }
            return;
        }
        authAttempts = 0;
        if (code == 301 || code == 302 || code == 303 || code == 307) {
            redirect(answered, r);
            return;
        }
        switch (answered) {
            case OPTIONS -> {
                String pub = r.headers().get(RtspHeaderNames.PUBLIC);
                if (pub != null && !pub.toUpperCase(Locale.ROOT).contains("GET_PARAMETER")) {
                    getParameterWorks = false;
                }
                // a printer that does not do OPTIONS may still do DESCRIBE
                send(Step.DESCRIBE, url);
            }
            case DESCRIBE -> {
                if (!ok(r, answered)) {
                    return;
                }
                try {
                    sdp = Sdp.parse(r.content().toString(StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    connection.fail("sent a malformed SDP: " + e.getMessage());
                    return;
                }
                if (sdp.media().isEmpty()) {
                    connection.fail("sent an SDP without media");
                    return;
                }
                base = RtspUrls.base(uri, r.headers().get(RtspHeaderNames.CONTENT_BASE),
                        r.headers().get(RtspHeaderNames.CONTENT_LOCATION));
                described = true;
                listener.described(sdp);
                track = 0;
                setup();
            }
            case SETUP -> {
                if (!ok(r, answered) || !setupAnswered(r)) {
                    return;
                }
                if (++track < sdp.media().size()) {
                    setup();
                } else {
                    send(Step.PLAY, aggregateUrl());
                }
            }
            case PLAY -> {
                if (!ok(r, answered)) {
                    return;
                }
                connection.watch(); // from now on, no RTP for a while means a hung session
                scheduleKeepalive();
            }
            case KEEPALIVE -> {
                if ((code == 405 || code == 501) && getParameterWorks) {
                    getParameterWorks = false; // the printer does not do GET_PARAMETER: OPTIONS from now on
                    keepalive();
                } else if (code == 454) {
                    connection.fail("forgot the session (454 Session Not Found)");
                }
            }
            case TEARDOWN -> ctx.close();
        }
    }

    private boolean ok(FullHttpResponse r, Step answered) {
        if (r.status().code() / 100 == 2) {
            return true;
        }
        connection.fail("answered " + answered + " with " + r.status().code() + " " + r.status().reasonPhrase());
        return false;
    }

    private void setup() {
        SdpMedia media = sdp.media().get(track);
        String control = media.control().orElse(sdp.media().size() == 1 ? "*" : null);
        if (control == null) {
            connection.fail("sent an SDP with several media but no control URLs");
            return;
        }
        send(Step.SETUP, RtspUrls.resolve(base, control));
    }

    /** Takes the session id and the interleaved channels the printer really assigned. */
    private boolean setupAnswered(FullHttpResponse r) {
        String s = r.headers().get(RtspHeaderNames.SESSION);
        try {
            if (s != null) {
                SessionHeader h = SessionHeader.parse(s);
                session = h.id();
                sessionTimeoutSeconds = h.timeoutOrDefault();
            }
            if (session == null) {
                connection.fail("answered SETUP without a Session");
                return false;
            }
            int rtp = 2 * track;
            int rtcp = 2 * track + 1;
            String transport = r.headers().get(RtspHeaderNames.TRANSPORT);
            if (transport != null) {
                int[] ch = Transport.parse(transport).interleaved();
                if (ch != null) {
                    rtp = ch[0];
                    rtcp = ch.length > 1 ? ch[1] : ch[0] + 1;
                }
            }
            if (rtp < 0 || rtp > 255 || rtcp < 0 || rtcp > 255) {
                throw new IllegalArgumentException("interleaved channel out of range");
            }
            channelTrack[rtp] = track;
            channelTrack[rtcp] = track;
            channelRtcp[rtcp] = true;
            return true;
        } catch (IllegalArgumentException e) {
            connection.fail("sent a malformed SETUP answer: " + e.getMessage());
            return false;
        }
    }

    private String aggregateUrl() {
        return RtspUrls.resolve(base, sdp.control().orElse("*"));
    }

    private void redirect(Step answered, FullHttpResponse r) {
        String location = r.headers().get(io.netty.handler.codec.http.HttpHeaderNames.LOCATION);
        if (location == null || !RtspUrls.isAbsolute(location.trim())) {
            connection.fail("answered " + answered + " with a redirect without a usable Location");
            return;
        }
        if (++redirects > MAX_REDIRECTS) {
            connection.fail("redirected more than " + MAX_REDIRECTS + " times");
            return;
        }
        String target = RtspUrls.withoutUserInfo(location.trim());
        try {
            if (java.net.URI.create(target).getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
        } catch (IllegalArgumentException e) {
            connection.fail("redirected to an unusable URL");
            return;
        }
        if (!authority(target).equalsIgnoreCase(authority(url))) {
            owner.redirected(target, redirects);
            connection.again();
            return;
        }
        if (answered == Step.OPTIONS || answered == Step.DESCRIBE) {
            url = target;
            owner.moved(target);
        }
        send(answered, target);
    }

    private void scheduleKeepalive() {
        // well within the session timeout, so one lost or slow answer does not end it
        long period = Math.max(1000, sessionTimeoutSeconds * 1000L / 2);
        keepaliveTimer = ctx.executor().scheduleAtFixedRate(this::keepalive, period, period, TimeUnit.MILLISECONDS);
    }

    private void keepalive() {
        if (connection.over() || step != null) {
            return; // an answer is still outstanding (its own timeout ends the session)
        }
        send(Step.KEEPALIVE, aggregateUrl());
    }

    /** TEARDOWN (or a plain close before SETUP); the lifecycle waits for the printer's close. */
    @Override
    public void leave() {
        if (session != null) {
            send(Step.TEARDOWN, aggregateUrl());
        } else {
            ctx.close();
        }
    }

    @Override
    public String silent() {
        return "sent no video";
    }

    /** Sends step {@code s}'s request; its answer comes to {@link #response}, or the step times out. */
    private void send(Step s, String uri) {
        HttpMethod method = switch (s) {
            case OPTIONS -> RtspMethods.OPTIONS;
            case DESCRIBE -> RtspMethods.DESCRIBE;
            case SETUP -> RtspMethods.SETUP;
            case PLAY -> RtspMethods.PLAY;
            case KEEPALIVE -> getParameterWorks ? RtspMethods.GET_PARAMETER : RtspMethods.OPTIONS;
            case TEARDOWN -> RtspMethods.TEARDOWN;
        };
        FullHttpRequest req = new DefaultFullHttpRequest(RtspVersions.RTSP_1_0, method, uri);
        req.headers().set(RtspHeaderNames.CSEQ, ++cseq);
        req.headers().set(RtspHeaderNames.USER_AGENT, USER_AGENT);
        if (method.equals(RtspMethods.DESCRIBE)) {
            req.headers().set(RtspHeaderNames.ACCEPT, "application/sdp");
        }
        if (method.equals(RtspMethods.PLAY)) {
            req.headers().set(RtspHeaderNames.RANGE, "npt=0.000-");
        }
        if (method.equals(RtspMethods.SETUP)) {
            req.headers().set(RtspHeaderNames.TRANSPORT, Transport.tcpInterleaved(2 * track, 2 * track + 1).format());
        }
        if (session != null && !method.equals(RtspMethods.OPTIONS)) {
            req.headers().set(RtspHeaderNames.SESSION, session);
        }
        String authorization = auth.authorization(method.name(), uri);
        if (authorization != null) {
            req.headers().set(RtspHeaderNames.AUTHORIZATION, authorization);
        }
        step = s;
        pendingUri = uri;
        cancelResponseTimeout();
        responseTimeout = ctx.executor().schedule(() -> connection.fail("did not answer " + s + " within "
                + RESPONSE_TIMEOUT_MILLIS / 1000 + " s"), RESPONSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(req).addListener(f -> {
            if (!f.isSuccess()) {
                connection.fail("took no request (" + Errors.describe(f.cause()) + ")");
            }
        });
    }

    /** Requests from the printer (some servers ping clients): answered so it does not wait. */
    private void serverRequest(FullHttpRequest req) {
        HttpMethod m = req.method();
        HttpResponseStatus status = m.equals(RtspMethods.OPTIONS) || m.equals(RtspMethods.GET_PARAMETER)
                || m.equals(RtspMethods.SET_PARAMETER) ? HttpResponseStatus.OK : HttpResponseStatus.NOT_IMPLEMENTED;
        FullHttpResponse r = new DefaultFullHttpResponse(RtspVersions.RTSP_1_0, status);
        String c = req.headers().get(RtspHeaderNames.CSEQ);
        if (c != null) {
            r.headers().set(RtspHeaderNames.CSEQ, c);
        }
        r.headers().setInt(RtspHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(r);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.fail("failed: " + Errors.describe(cause));
    }

    /** However the session ended: timers stopped, and the relay told if it had heard of it. */
    @Override
    public void ended() {
        cancelResponseTimeout();
        if (keepaliveTimer != null) {
            keepaliveTimer.cancel(false);
        }
        if (described) {
            listener.disconnected();
        }
    }

    private void cancelResponseTimeout() {
        if (responseTimeout != null) {
            responseTimeout.cancel(false);
            responseTimeout = null;
        }
    }

    private static String authority(String url) {
        int start = url.indexOf("://") + 3;
        int slash = url.indexOf('/', start);
        return url.substring(start, slash < 0 ? url.length() : slash);
    }

}
