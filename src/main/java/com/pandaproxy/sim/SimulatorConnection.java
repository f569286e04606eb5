package com.pandaproxy.sim;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.rtsp.InterleavedFrame;
import com.pandaproxy.rtsp.RtspUrls;
import com.pandaproxy.rtsp.SessionHeader;
import com.pandaproxy.rtsp.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTSP connection to the simulated printer: answers requests like a BambuLab X1 does
 * (TCP-interleaved only, one viewer at a time, {@code 301} for {@code rtsp://} request URIs) and
 * plays the clip after PLAY. Runs on the connection's event loop.
 */
final class SimulatorConnection extends SimpleChannelInboundHandler<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatorConnection.class);
    static final String PUBLIC = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER";

    private final RtspSimulator simulator;
    private ChannelHandlerContext ctx;
    private String sessionId;
    private ClipStreamer streamer;

    SimulatorConnection(RtspSimulator simulator) {
        this.simulator = simulator;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof InterleavedFrame frame) {
            if ((frame.channel() & 1) == 1) {
                simulator.rtcpReceived();
            }
        } else if (msg instanceof FullHttpRequest request) {
            if (request.decoderResult().isFailure()) {
                respond(request, RtspResponseStatuses.BAD_REQUEST, true);
                return;
            }
            handle(request);
        }
    }

    private void handle(FullHttpRequest req) {
        String uri = req.uri();
        String method = req.method().name();
        if (req.headers().get(RtspHeaderNames.CSEQ) == null) {
            respond(req, RtspResponseStatuses.BAD_REQUEST, true);
            return;
        }
        // the real printer's quirk: a request URI saying rtsp:// is redirected to rtsps://
        if (simulator.redirectsPlainUris() && uri.regionMatches(true, 0, "rtsp://", 0, 7)) {
            FullHttpResponse r = response(req, RtspResponseStatuses.MOVED_PERMANENTLY);
            r.headers().set(io.netty.handler.codec.http.HttpHeaderNames.LOCATION, RtspUrls.withScheme(uri, "rtsps"));
            send(r, false);
            return;
        }
        if (req.method().equals(RtspMethods.OPTIONS)) {
            simulator.optionsSeen();
            FullHttpResponse r = response(req, HttpResponseStatus.OK);
            r.headers().set(RtspHeaderNames.PUBLIC, PUBLIC);
            send(r, false);
            return;
        }
        String path;
        try {
            path = RtspUrls.path(uri);
        } catch (IllegalArgumentException e) {
            respond(req, RtspResponseStatuses.BAD_REQUEST, false);
            return;
        }
        if (!path.equals(Bambu.STREAM_PATH) && !path.equals(Bambu.STREAM_PATH + "/" + RtspSimulator.TRACK)
                && !path.equals(Bambu.STREAM_PATH + "/")) {
            respond(req, RtspResponseStatuses.NOT_FOUND, false);
            return;
        }
        List<String> challenge = simulator.checkAuth(method, req.headers().get(RtspHeaderNames.AUTHORIZATION));
        if (challenge != null) {
            FullHttpResponse r = response(req, RtspResponseStatuses.UNAUTHORIZED);
            r.headers().add(RtspHeaderNames.WWW_AUTHENTICATE, challenge);
            send(r, false);
            return;
        }
        switch (method.toUpperCase(Locale.ROOT)) {
            case "DESCRIBE" -> describe(req);
            case "SETUP" -> setup(req);
            case "PLAY" -> play(req);
            case "PAUSE" -> pause(req);
            case "GET_PARAMETER", "SET_PARAMETER" -> keepalive(req);
            case "TEARDOWN" -> teardown(req);
            default -> respond(req, RtspResponseStatuses.NOT_IMPLEMENTED, false);
        }
    }

    private void describe(FullHttpRequest req) {
        String redirect = simulator.redirect();
        if (redirect != null) {
            FullHttpResponse r = response(req, RtspResponseStatuses.MOVED_TEMPORARILY);
            r.headers().set(io.netty.handler.codec.http.HttpHeaderNames.LOCATION, redirect);
            send(r, false);
            return;
        }
        byte[] sdp = simulator.sdp().getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse r = new DefaultFullHttpResponse(RtspVersions.RTSP_1_0, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(sdp));
        headers(req, r);
        r.headers().set(RtspHeaderNames.CONTENT_TYPE, "application/sdp");
        r.headers().set(RtspHeaderNames.CONTENT_BASE, simulator.url() + "/");
        r.headers().setInt(RtspHeaderNames.CONTENT_LENGTH, sdp.length);
        send(r, false);
    }

    private void setup(FullHttpRequest req) {
        if (!sessionMatches(req, true)) {
            respond(req, RtspResponseStatuses.SESSION_NOT_FOUND, false);
            return;
        }
        Transport chosen = null;
        try {
            String header = req.headers().get(RtspHeaderNames.TRANSPORT);
            for (Transport t : header == null ? List.<Transport>of() : Transport.parseList(header)) {
                if (t.isTcp() && !t.isMulticast() && t.interleaved() != null) {
                    chosen = t;
                    break;
                }
            }
        } catch (IllegalArgumentException e) {
            respond(req, RtspResponseStatuses.BAD_REQUEST, false);
            return;
        }
        if (chosen == null) {
            // like the printer: RTP over the RTSP connection only
            respond(req, RtspResponseStatuses.UNSUPPORTED_TRANSPORT, false);
            return;
        }
        if (!simulator.takeViewerSlot(this)) {
            respond(req, RtspResponseStatuses.NOT_ENOUGH_BANDWIDTH, false);
            return;
        }
        int[] channels = chosen.interleaved();
        if (streamer != null) {
            streamer.stop();
        }
        streamer = new ClipStreamer(ctx.channel(), simulator.clip(), channels[0], channels[1], simulator::frozen,
                simulator::pictureSent);
        if (sessionId == null) {
            sessionId = HexFormat.of().formatHex(longBytes(ThreadLocalRandom.current().nextLong()), 0, 8);
        }
        FullHttpResponse r = response(req, HttpResponseStatus.OK);
        r.headers().set(RtspHeaderNames.TRANSPORT, Transport.tcpInterleaved(channels[0], channels[1])
                .with("ssrc", String.format("%08X", streamer.ssrc())).format());
        send(r, false);
    }

    private void play(FullHttpRequest req) {
        if (sessionId == null || !sessionMatches(req, false) || streamer == null) {
            respond(req, RtspResponseStatuses.SESSION_NOT_FOUND, false);
            return;
        }
        FullHttpResponse r = response(req, HttpResponseStatus.OK);
        r.headers().set(RtspHeaderNames.RANGE, "npt=0.000-");
        r.headers().set(RtspHeaderNames.RTP_INFO, "url=" + simulator.url() + "/" + RtspSimulator.TRACK
                + ";seq=" + streamer.nextSeq() + ";rtptime=" + streamer.nextTimestamp());
        send(r, false);
        streamer.start();
        simulator.played();
        LOG.info("Simulated printer: viewer {} playing", ctx.channel().remoteAddress());
    }

    private void pause(FullHttpRequest req) {
        if (sessionId == null || !sessionMatches(req, false)) {
            respond(req, RtspResponseStatuses.SESSION_NOT_FOUND, false);
            return;
        }
        if (streamer != null) {
            streamer.stop();
        }
        respond(req, HttpResponseStatus.OK, false);
    }

    private void keepalive(FullHttpRequest req) {
        if (!simulator.getParameterSupported()) {
            respond(req, RtspResponseStatuses.NOT_IMPLEMENTED, false);
            return;
        }
        if (sessionId != null && !sessionMatches(req, true)) {
            respond(req, RtspResponseStatuses.SESSION_NOT_FOUND, false);
            return;
        }
        simulator.keepalive();
        respond(req, HttpResponseStatus.OK, false);
    }

    private void teardown(FullHttpRequest req) {
        if (sessionId == null || !sessionMatches(req, false)) {
            respond(req, RtspResponseStatuses.SESSION_NOT_FOUND, false);
            return;
        }
        respond(req, HttpResponseStatus.OK, false);
        endSession();
    }

    private void endSession() {
        if (streamer != null) {
            streamer.stop();
            streamer = null;
        }
        if (sessionId != null) {
            sessionId = null;
            simulator.releaseViewerSlot(this);
            simulator.teardownSeen();
        }
    }

    /** Whether the request's Session header names this connection's session (or is absent, when allowed). */
    private boolean sessionMatches(FullHttpRequest req, boolean absentOk) {
        String header = req.headers().get(RtspHeaderNames.SESSION);
        if (header == null) {
            return absentOk;
        }
        try {
            return SessionHeader.parse(header).id().equals(sessionId);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private FullHttpResponse response(FullHttpRequest req, HttpResponseStatus status) {
        FullHttpResponse r = new DefaultFullHttpResponse(RtspVersions.RTSP_1_0, status);
        headers(req, r);
        r.headers().setInt(RtspHeaderNames.CONTENT_LENGTH, 0);
        return r;
    }

    private void headers(FullHttpRequest req, FullHttpResponse r) {
        String cseq = req.headers().get(RtspHeaderNames.CSEQ);
        if (cseq != null) {
            r.headers().set(RtspHeaderNames.CSEQ, cseq);
        }
        r.headers().set(RtspHeaderNames.SERVER, "PandaProxy simulated printer");
        if (sessionId != null) {
            r.headers().set(RtspHeaderNames.SESSION, new SessionHeader(sessionId, simulator.sessionTimeout()).format());
        }
    }

    private void respond(FullHttpRequest req, HttpResponseStatus status, boolean close) {
        send(response(req, status), close);
    }

    private void send(FullHttpResponse r, boolean close) {
        if (close) {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(r);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.info("Simulated printer: viewer {} silent for {} s, closing", ctx.channel().remoteAddress(), simulator.sessionTimeout());
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sessionId != null) {
            LOG.info("Simulated printer: viewer {} left", ctx.channel().remoteAddress());
        }
        endSession();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("Simulated printer: closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }
}
