package com.pandaproxy.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.pandaproxy.net.LoginGate;
import com.pandaproxy.net.Version;
import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.printer.StatusBoard;
import com.pandaproxy.tls.CertificateState;
import com.pandaproxy.tls.TrustStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection: its requests, one at a time. Every path but /healthz needs Basic auth
 * (user and access code) or must come through Home Assistant's ingress. Until it has shown one of
 * them the connection counts in the login gate (bounded per address); wrong credentials are
 * answered after the login throttle's hold and the connection closed; a correct one at once.
 */
final class WebHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(WebHandler.class);
    static final String INGRESS_HEADER = "X-Ingress-Path";
    /** jackson-core's streaming writer: /api/status without loading Jackson's data binding (400 classes, ~4 MB). */
    private static final JsonFactory JSON = new JsonFactory();

    /** Requests pipelined behind one still being answered (a snapshot): kept in order, a few at most. */
    private static final int MAX_QUEUED = 4;

    private final WebServer server;
    private final LoginGate.Login login;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private ScheduledFuture<?> deadline;
    private boolean streaming;
    private boolean answering;
    private boolean loggedIn;

    /** @param login this connection's way in: passed by the first request with the right code (or through ingress) */
    WebHandler(WebServer server, LoginGate.Login login) {
        super(false);
        this.server = server;
        this.login = login;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        armDeadline(ctx);
        ctx.fireChannelActive();
    }

    /** The next request must be there, whole, within the timeout (which also ends idle connections). */
    private void armDeadline(ChannelHandlerContext ctx) {
        Duration timeout = server.settings().requestTimeout();
        deadline = ctx.executor().schedule(() -> {
            server.note("HTTP client " + peer(ctx) + ": no whole request within " + timeout.toSeconds() + " s, closing");
            ctx.close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (streaming) {
            request.release(); // a viewer has nothing more to ask
            return;
        }
        if (answering) {
            if (queued.size() >= MAX_QUEUED) {
                request.release();
                server.note("HTTP client " + peer(ctx) + ": too many pipelined requests, closing");
                ctx.close();
                return;
            }
            queued.add(request);
            return;
        }
        deadline.cancel(false);
        try {
            handle(ctx, request);
        } finally {
            request.release();
        }
    }

    /** After an answer that took a while: the requests that came meanwhile, in order. */
    private void answered(ChannelHandlerContext ctx) {
        answering = false;
        FullHttpRequest next;
        while (!answering && !streaming && (next = queued.poll()) != null) {
            deadline.cancel(false);
            try {
                handle(ctx, next);
            } finally {
                next.release();
            }
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            server.note("HTTP client " + peer(ctx) + ": bad request (" + status.reasonPhrase() + ")");
            text(ctx, request, status, status.reasonPhrase(), true);
            return;
        }
        String rawPath = Requests.path(request.uri());
        if (rawPath == null) {
            server.note("HTTP client " + peer(ctx) + ": refused path " + abbreviate(new QueryStringDecoder(request.uri()).rawPath()));
            text(ctx, request, HttpResponseStatus.BAD_REQUEST, "Bad path", true);
            return;
        }
        if (rawPath.equals("/healthz")) {
            if (allowed(ctx, request, HttpMethod.GET)) {
                health(ctx, request);
            }
            return;
        }
        String base = access(ctx, request);
        if (base == null) {
            return; // answered
        }
        switch (rawPath) {
            case "/" -> {
                if (allowed(ctx, request, HttpMethod.GET)) {
                    respond(ctx, request, HttpResponseStatus.OK, "text/html; charset=utf-8", server.page().html(base));
                }
            }
            case "/page.css" -> {
                if (allowed(ctx, request, HttpMethod.GET)) {
                    respond(ctx, request, HttpResponseStatus.OK, "text/css; charset=utf-8", server.page().css);
                }
            }
            case "/page.js" -> {
                if (allowed(ctx, request, HttpMethod.GET)) {
                    respond(ctx, request, HttpResponseStatus.OK, "text/javascript; charset=utf-8", server.page().js);
                }
            }
            case "/api/status" -> {
                if (allowed(ctx, request, HttpMethod.GET)) {
                    respond(ctx, request, HttpResponseStatus.OK, "application/json", status());
                }
            }
            case "/api/reconnect" -> {
                if (allowed(ctx, request, HttpMethod.POST) && sameOrigin(ctx, request)) {
                    server.camera().reconnect();
                    respond(ctx, request, HttpResponseStatus.ACCEPTED, "application/json",
                            "{\"reconnecting\":true}".getBytes(StandardCharsets.US_ASCII));
                }
            }
            case "/snapshot.jpg" -> {
                if (allowed(ctx, request, HttpMethod.GET)) {
                    snapshot(ctx, request);
                }
            }
            case "/stream.mjpeg" -> {
                if (allowed(ctx, request, HttpMethod.GET)) {
                    stream(ctx, request);
                }
            }
            default -> {
                server.note("HTTP client " + peer(ctx) + ": no such path " + abbreviate(rawPath));
                text(ctx, request, HttpResponseStatus.NOT_FOUND, "Not found", false);
            }
        }
    }

    /**
     * Who may ask: the link base ("/", or the ingress prefix and "/") for a request that may go on,
     * null when it has been answered (401, or 400 for a malformed ingress path).
     */
    private String access(ChannelHandlerContext ctx, FullHttpRequest request) {
        String ingress = request.headers().get(INGRESS_HEADER);
        InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (ingress != null && server.settings().ingressProxies().contains(address)) {
            String base = Requests.ingressBase(ingress);
            if (base == null) {
                server.note("HTTP: ingress request with a malformed " + INGRESS_HEADER + " header");
                text(ctx, request, HttpResponseStatus.BAD_REQUEST, "Bad ingress path", true);
            }
            return base != null && loggedIn(ctx, request) ? base : null;
        }
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null) {
            challenge(ctx, request, false); // a browser's first try: no failure
            return null;
        }
        if (server.settings().auth().accepts(authorization)) {
            return loggedIn(ctx, request) ? "/" : null; // at once, whatever wrong codes came from this address before
        }
        server.note("HTTP client " + peer(ctx) + ": wrong user name or access code");
        ctx.channel().config().setAutoRead(false);
        answering = true; // and closing: whatever else this connection asked is not answered
        // what the answer needs of the request, without its body: nothing to release if the client leaves first
        FullHttpRequest kept = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri());
        login.failed(() -> challenge(ctx, kept, true));
        return null;
    }

    /** The first time on this connection: its login is over, and it takes a logged-in place (else 503, closed). */
    private boolean loggedIn(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!loggedIn) {
            login.passed();
            if (!server.connectionLoggedIn(ctx.channel())) {
                text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "Too many connections", true);
                return false;
            }
            loggedIn = true;
        }
        return true;
    }

    private void challenge(ChannelHandlerContext ctx, FullHttpRequest request, boolean close) {
        FullHttpResponse response = response(HttpResponseStatus.UNAUTHORIZED, "text/plain; charset=utf-8",
                "User bblp and the printer's access code, please\n".replace("bblp", server.settings().auth().user())
                        .getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"PandaProxy\", charset=\"UTF-8\"");
        send(ctx, request, response, close);
    }

    /** A method the path takes (HEAD with GET), else 405. */
    private boolean allowed(ChannelHandlerContext ctx, FullHttpRequest request, HttpMethod method) {
        HttpMethod m = request.method();
        if (m.equals(method) || method.equals(HttpMethod.GET) && m.equals(HttpMethod.HEAD)) {
            return true;
        }
        FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                "Method not allowed\n".getBytes(StandardCharsets.US_ASCII));
        response.headers().set(HttpHeaderNames.ALLOW, method.equals(HttpMethod.GET) ? "GET, HEAD" : method.name());
        send(ctx, request, response, false);
        return false;
    }

    /** A page elsewhere must not press the button through the user's browser: an Origin, if sent, must be ours. */
    private boolean sameOrigin(ChannelHandlerContext ctx, FullHttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (origin == null || request.headers().contains(INGRESS_HEADER)) {
            return true;
        }
        try {
            URI uri = new URI(origin);
            String originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            if (host != null && host.equalsIgnoreCase(originHost)) {
                return true;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // refused below
        }
        server.note("HTTP client " + peer(ctx) + ": reconnect asked from another site, refused");
        text(ctx, request, HttpResponseStatus.FORBIDDEN, "Not from another site", false);
        return false;
    }

    /** Serving while a camera port is open or the MQTT relay is on (with {@code --services mqtt} it is all there is). */
    private void health(ChannelHandlerContext ctx, FullHttpRequest request) {
        PrinterStatus s = server.camera().status();
        boolean serving = server.camera().serving() || s.relay() != null;
        String body = (serving ? "serving" : "not serving") + "; printer camera " + s.upstreamState().id()
                + (s.lastError() == null ? "" : " (" + s.lastError() + ")")
                + (s.relay() == null ? "" : "; printer MQTT " + s.relay().upstreamState().id()) + "\n";
        text(ctx, request, serving ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body, false);
    }

    /**
     * The same facts as the MQTT states, under the same names (the MQTT relay's only while it is on),
     * plus the clients, the relay's connection state, the ports and the version.
     */
    private byte[] status() {
        PrinterStatus s = server.camera().status();
        Instant now = Instant.now();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("camera_type", s.cameraType().id());
            json.writeStringField("upstream_state", s.upstreamState().id());
            json.writeBooleanField("printer_camera", s.streaming());
            json.writeBooleanField("serving", server.camera().serving());
            json.writeNumberField("clients", s.clients());
            json.writeNumberField("frame_rate", s.frameRate());
            json.writeNumberField("bitrate", s.bitrate());
            json.writeStringField("last_frame", s.lastFrame() == null ? null : s.lastFrame().toString());
            if (s.lastFrame() == null) {
                json.writeNullField("last_frame_age_ms");
            } else {
                json.writeNumberField("last_frame_age_ms", Math.max(0, Duration.between(s.lastFrame(), now).toMillis()));
            }
            json.writeNumberField("reconnects", s.reconnects());
            json.writeStringField("last_error", s.lastError());
            json.writeNumberField("bad_frames", s.badFrames());
            TrustStatus certificate = s.certificate();
            json.writeStringField("printer_certificate", certificate.state() == CertificateState.UNKNOWN ? null : certificate.state().id());
            json.writeObjectFieldStart("printer_certificate_attributes");
            json.writeStringField("sha256", certificate.sha256());
            json.writeStringField("cn", certificate.cn());
            json.writeStringField("new_sha256", certificate.newSha256());
            json.writeStringField("new_cn", certificate.newCn());
            json.writeEndObject();
            if (s.relay() != null) {
                json.writeBooleanField("printer_mqtt", s.relay().connected());
                json.writeStringField("printer_mqtt_state", s.relay().upstreamState().id());
                json.writeNumberField("mqtt_clients", s.relay().clients());
            }
            json.writeArrayFieldStart("client_list");
            for (StatusBoard.Client c : server.camera().clients()) {
                json.writeStartObject();
                json.writeStringField("protocol", c.protocol());
                json.writeStringField("address", c.address());
                json.writeStringField("since", c.since().toString());
                json.writeNumberField("seconds", Math.max(0, Duration.between(c.since(), now).toSeconds()));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeObjectFieldStart("ports");
            json.writeNumberField("http", server.port());
            json.writeNumberField("chamber", server.settings().chamberPort());
            json.writeNumberField("rtsp", server.settings().rtspPort());
            if (server.settings().mqttPort() > 0) {
                json.writeNumberField("mqtt", server.settings().mqttPort());
            }
            json.writeEndObject();
            json.writeStringField("user", server.settings().auth().user());
            json.writeStringField("version", Version.current());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array
        }
        return out.toByteArray();
    }

    private void snapshot(ChannelHandlerContext ctx, FullHttpRequest request) {
        FullHttpRequest kept = request.retain();
        answering = true;
        server.snapshots().latest().whenComplete((r, e) -> ctx.executor().execute(() -> {
            try {
                if (r != null && r.jpeg() != null) {
                    FullHttpResponse response = response(HttpResponseStatus.OK, "image/jpeg", r.jpeg());
                    send(ctx, kept, response, false);
                } else {
                    String why = r != null ? r.problem() : "no picture: " + e;
                    text(ctx, kept, HttpResponseStatus.SERVICE_UNAVAILABLE, why + "\n", false);
                }
            } finally {
                kept.release();
            }
            answered(ctx);
        }));
    }

    private void stream(ChannelHandlerContext ctx, FullHttpRequest request) {
        int fps;
        try {
            fps = Requests.fps(request.uri());
        } catch (NumberFormatException e) {
            text(ctx, request, HttpResponseStatus.BAD_REQUEST, "Bad query: fps must be a whole number from 1 to " + Requests.MAX_FPS
                    + " (0: every picture)\n", false);
            return;
        }
        if (!server.viewerJoins()) {
            server.note("HTTP: " + server.settings().maxViewers() + " MJPEG viewers already, refusing " + peer(ctx));
            text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "Too many viewers\n", true);
            return;
        }
        streaming = true;
        Channel ch = ctx.channel();
        HttpResponse head = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, MjpegViewer.CONTENT_TYPE);
        noCache(head);
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (request.method().equals(HttpMethod.HEAD)) {
            server.viewerLeft();
            ctx.writeAndFlush(head).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(head); // no length, not chunked: the body lasts until the connection closes
        MjpegViewer viewer = new MjpegViewer(ch, fps);
        StatusBoard.Client listed = server.camera().clientJoined("mjpeg", ch.remoteAddress());
        LOG.info("MJPEG viewer {} joined{}", peer(ctx), fps > 0 ? " (" + fps + " fps at most)" : "");
        ch.closeFuture().addListener(f -> {
            server.camera().unwatch(viewer);
            server.snapshots().unwatch(viewer);
            server.camera().clientLeft(listed);
            server.viewerLeft();
            LOG.info("MJPEG viewer {} left ({} pictures sent)", peer(ctx), viewer.sent());
        });
        server.camera().watch(viewer);
        server.snapshots().watch(viewer);
    }

    private void text(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String body, boolean close) {
        send(ctx, request, response(status, "text/plain; charset=utf-8",
                (body.endsWith("\n") ? body : body + "\n").getBytes(StandardCharsets.UTF_8)), close);
    }

    private void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String type, byte[] body) {
        send(ctx, request, response(status, type, body), false);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set("X-Content-Type-Options", "nosniff");
        response.headers().set("Referrer-Policy", "no-referrer");
        if (type.startsWith("text/html")) {
            // everything from here; framing allowed (Home Assistant shows ingress pages in a frame)
            response.headers().set("Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'self'");
        }
        noCache(response);
        return response;
    }

    private static void noCache(HttpResponse response) {
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store, must-revalidate");
    }

    /** Sends a whole response; the connection stays for the next request unless either side wants it closed. */
    private void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response, boolean close) {
        boolean keepAlive = !close && HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        response.setProtocolVersion(request.protocolVersion().equals(HttpVersion.HTTP_1_0) ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1);
        if (request.method().equals(HttpMethod.HEAD)) {
            ByteBuf content = response.content();
            int length = content.readableBytes();
            response = response.replace(Unpooled.EMPTY_BUFFER);
            content.release();
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        if (keepAlive) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response);
            ctx.channel().config().setAutoRead(true);
            armDeadline(ctx);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String peer(ChannelHandlerContext ctx) {
        return String.valueOf(ctx.channel().remoteAddress()).replaceFirst("^/", "");
    }

    private static String abbreviate(String path) {
        String p = path.replaceAll("[^\\x21-\\x7e]", "?");
        return p.length() > 80 ? p.substring(0, 80) + "…" : p;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        queued.forEach(FullHttpRequest::release);
        queued.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            LOG.debug("HTTP client {}: {}", peer(ctx), cause.toString()); // a viewer gone: nothing wrong
        } else {
            server.note("HTTP client " + peer(ctx) + ": " + cause);
        }
        ctx.close();
    }
}
