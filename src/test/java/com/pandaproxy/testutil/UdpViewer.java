package com.pandaproxy.testutil;

import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.SdpMedia;
import com.pandaproxy.rtsp.Transport;
import com.pandaproxy.rtsp.auth.ClientAuthenticator;
import com.pandaproxy.rtsp.rtp.H264Packets;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * An RTSP viewer that takes RTP over UDP and counts what arrives, for any RTSP server (the proxy,
 * the GStreamer relay): DESCRIBE, SETUP of the first video track with two UDP ports, PLAY, then
 * an RTCP receiver report every 500 ms from its RTCP port (its only keepalive). One thread reads
 * the RTP socket; it counts packets by sequence number (lost = expected - received), the longest
 * time between two packets, and the longest freeze: from the last packet before a loss to the next
 * keyframe, when a player can show a whole picture again (or to the end). {@link Options#slow}
 * makes a receiver that reads slowly from a small socket buffer, so the kernel drops its packets.
 */
public final class UdpViewer implements AutoCloseable {
    private static final ScheduledExecutorService REPORTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "udp-viewer-reports");
        t.setDaemon(true);
        return t;
    });
    private static final int TIMEOUT_MILLIS = 10_000;

    /**
     * @param receiveBuffer SO_RCVBUF asked for (Linux grants at most net.core.rmem_max, 212992 on
     *     most systems); GStreamer's rtspsrc asks for 512 KiB, FFmpeg for 384 KiB
     * @param packetsPerSecond 0: read as fast as packets come; else at most that many a second
     */
    public record Options(int receiveBuffer, int packetsPerSecond) {
        /** Like GStreamer's rtspsrc: a 512 KiB receive buffer, read at once. */
        public static final Options DEFAULT = new Options(512 * 1024, 0);
        /** Like FFmpeg: a 384 KiB receive buffer, read at once. */
        public static final Options FFMPEG_BUFFER = new Options(384 * 1024, 0);

        /** A receiver that cannot keep up: a small buffer read at {@code packetsPerSecond}. */
        public static Options slow(int receiveBuffer, int packetsPerSecond) {
            return new Options(receiveBuffer, packetsPerSecond);
        }
    }

    /**
     * What arrived: packets, lost packets, longest gap and freeze, and how it started: whether at a
     * keyframe, and when the first packet and the first keyframe came after PLAY (-1: not yet).
     */
    public record Stats(long received, long lost, long longestGapMillis, long longestFreezeMillis,
                        boolean startedAtKeyframe, long firstPacketMillis, long firstKeyframeMillis) {
    }

    private final Socket control;
    private final InputStream in;
    private final OutputStream out;
    private final DatagramSocket rtp;
    private final DatagramSocket rtcp;
    private final Options options;
    private final ClientAuthenticator auth;
    private final Thread reader;
    private int cseq;
    private String session;
    private String playUrl;
    private ScheduledFuture<?> reports;
    private volatile boolean closed;

    // counting, under this object's lock
    private long playNanos;
    private long received;
    private long firstExt = -1;
    private long maxExt;
    private long lastNanos;
    private long longestGap;
    private long longestFreeze;
    private long brokenSince = -1;
    private boolean startedAtKeyframe;
    private long firstPacketNanos;
    private long firstKeyframeNanos;

    private UdpViewer(Socket control, Options options, String user, String password) throws IOException {
        this.control = control;
        this.in = control.getInputStream();
        this.out = control.getOutputStream();
        this.options = options;
        this.auth = new ClientAuthenticator(user, password);
        InetAddress local = control.getLocalAddress();
        this.rtp = new DatagramSocket(new InetSocketAddress(local, 0));
        this.rtcp = new DatagramSocket(new InetSocketAddress(local, 0));
        rtp.setReceiveBufferSize(options.receiveBuffer());
        this.reader = new Thread(this::read, "udp-viewer");
        reader.setDaemon(true);
    }

    /** Plays {@code url} (rtsp:// or rtsps://, credentials apart) and starts counting. */
    public static UdpViewer play(String url, String user, String password, Options options) throws IOException {
        URI uri = URI.create(url);
        Socket s;
        if (uri.getScheme().equals("rtsps")) {
            try {
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), new SecureRandom());
                s = tls.getSocketFactory().createSocket(uri.getHost(), uri.getPort());
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
        } else {
            s = new Socket(uri.getHost(), uri.getPort());
        }
        s.setSoTimeout(TIMEOUT_MILLIS);
        UdpViewer v = new UdpViewer(s, options, user, password);
        try {
            v.start(url);
        } catch (IOException | RuntimeException e) {
            v.close();
            throw e;
        }
        return v;
    }

    private void start(String url) throws IOException {
        Response described = request("DESCRIBE", url, Map.of("Accept", "application/sdp"));
        Sdp sdp = Sdp.parse(described.body());
        SdpMedia video = sdp.media().stream().filter(SdpMedia::isH264).findFirst()
                .orElseThrow(() -> new IOException("no H.264 track in " + described.body()));
        String base = described.header("content-base") != null ? described.header("content-base") : url;
        String trackControl = video.control().orElse("");
        String trackUrl = trackControl.startsWith("rtsp") ? trackControl : base + (base.endsWith("/") ? "" : "/") + trackControl;
        Response setup = request("SETUP", trackUrl, Map.of("Transport",
                "RTP/AVP;unicast;client_port=" + rtp.getLocalPort() + "-" + rtcp.getLocalPort()));
        session = setup.header("session").split(";")[0].trim();
        int[] serverPorts = Transport.parse(setup.header("transport")).serverPort();
        reader.start();
        playUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        synchronized (this) {
            playNanos = System.nanoTime();
        }
        request("PLAY", playUrl, Map.of("Range", "npt=0.000-"));
        if (serverPorts != null) {
            InetSocketAddress to = new InetSocketAddress(control.getInetAddress(), serverPorts[1]);
            // an empty receiver report (RFC 3550 §6.4.2): V=2, RC=0, PT=201, length 1, our SSRC
            byte[] rr = java.nio.ByteBuffer.allocate(8).putInt(0x80C90001).putInt(ThreadLocalRandom.current().nextInt()).array();
            reports = REPORTS.scheduleAtFixedRate(() -> {
                try {
                    rtcp.send(new DatagramPacket(rr, rr.length, to));
                } catch (IOException e) {
                    // closed meanwhile
                }
            }, 0, 500, TimeUnit.MILLISECONDS);
        }
    }

    private void read() {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        long start = System.nanoTime();
        long count = 0;
        while (!closed) {
            try {
                p.setLength(buf.length);
                rtp.receive(p);
            } catch (IOException e) {
                return;
            }
            long now = System.nanoTime();
            count(buf, p.getLength(), now);
            count++;
            if (options.packetsPerSecond() > 0) {
                long aheadNanos = count * 1_000_000_000L / options.packetsPerSecond() - (now - start);
                if (aheadNanos > 0) {
                    try {
                        Thread.sleep(Math.max(1, aheadNanos / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    private synchronized void count(byte[] b, int len, long now) {
        if (len < 12 || (b[0] & 0xC0) != 0x80) {
            return;
        }
        int seq = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        int header = 12 + 4 * (b[0] & 0x0F);
        if ((b[0] & 0x10) != 0 && len >= header + 4) {
            header += 4 + 4 * (((b[header + 2] & 0xFF) << 8) | (b[header + 3] & 0xFF));
        }
        boolean keyframe = len > header && H264Packets.startsKeyframe(Unpooled.wrappedBuffer(b, header, len - header));
        received++;
        if (firstExt < 0) {
            firstExt = seq;
            maxExt = seq;
            startedAtKeyframe = keyframe;
            firstPacketNanos = now;
        } else {
            longestGap = Math.max(longestGap, now - lastNanos);
            int delta = (seq - (int) (maxExt & 0xFFFF)) & 0xFFFF;
            if (delta != 0 && delta < 0x8000) {
                if (delta > 1 && brokenSince < 0) {
                    brokenSince = lastNanos;
                }
                maxExt += delta;
            }
        }
        if (keyframe && firstKeyframeNanos == 0) {
            firstKeyframeNanos = now;
        }
        if (keyframe && brokenSince >= 0) {
            longestFreeze = Math.max(longestFreeze, now - brokenSince);
            brokenSince = -1;
        }
        lastNanos = now;
    }

    /**
     * Datagrams the kernel dropped so far because a receiver's socket buffer was full (all sockets
     * of this network namespace: /proc/net/snmp, Udp RcvbufErrors), or -1 where it does not say.
     * Tells a loss at the receiver from a loss at the sender.
     */
    public static long kernelReceiveBufferDrops() {
        try {
            List<String> udp = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/snmp")).stream()
                    .filter(l -> l.startsWith("Udp: ")).toList();
            List<String> names = List.of(udp.get(0).split("\\s+"));
            return Long.parseLong(udp.get(1).split("\\s+")[names.indexOf("RcvbufErrors")]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Counts from now on (packets, losses, gaps and freezes), as if the viewer had just started. */
    public synchronized void restartCounting() {
        if (firstExt >= 0) {
            firstExt = maxExt + 1;
        }
        received = 0;
        longestGap = 0;
        longestFreeze = 0;
    }

    /** The figures so far. */
    public synchronized Stats stats() {
        long expected = firstExt < 0 ? 0 : Math.max(0, maxExt - firstExt + 1);
        long freeze = longestFreeze;
        if (brokenSince >= 0) {
            freeze = Math.max(freeze, System.nanoTime() - brokenSince);
        }
        return new Stats(received, Math.max(0, expected - received), longestGap / 1_000_000,
                Math.max(freeze, longestGap) / 1_000_000, startedAtKeyframe,
                firstPacketNanos == 0 ? -1 : (firstPacketNanos - playNanos) / 1_000_000,
                firstKeyframeNanos == 0 ? -1 : (firstKeyframeNanos - playNanos) / 1_000_000);
    }

    /** TEARDOWN (best effort), then closes the sockets. */
    @Override
    public void close() {
        if (reports != null) {
            reports.cancel(false);
        }
        if (session != null && !control.isClosed()) {
            try {
                control.setSoTimeout(2000);
                request("TEARDOWN", playUrl, Map.of());
            } catch (IOException | RuntimeException e) {
                // the server may be gone already
            }
        }
        closed = true;
        rtp.close();
        rtcp.close();
        try {
            control.close();
        } catch (IOException e) {
            // nothing left to do
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An RTSP answer: status, headers (lower-case names, each with all its values), body. */
    private record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : v.get(0);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name, List.of());
        }
    }

    private Response request(String method, String uri, Map<String, String> headers) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            StringBuilder r = new StringBuilder(method).append(' ').append(uri).append(" RTSP/1.0\r\n");
            r.append("CSeq: ").append(++cseq).append("\r\n");
            r.append("User-Agent: PandaProxy-UdpViewer\r\n");
            if (session != null) {
                r.append("Session: ").append(session).append("\r\n");
            }
            if (auth.ready()) {
                r.append("Authorization: ").append(auth.authorization(method, uri)).append("\r\n");
            }
            headers.forEach((k, v) -> r.append(k).append(": ").append(v).append("\r\n"));
            out.write(r.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            Response resp = readResponse();
            if (resp.status() == 401 && attempt == 0 && auth.challenged(resp.all("www-authenticate"))) {
                continue;
            }
            if (resp.status() != 200) {
                throw new IOException(method + " " + uri + ": " + resp.status());
            }
            return resp;
        }
        throw new IOException(method + " " + uri + ": refused");
    }

    private Response readResponse() throws IOException {
        String status = line();
        if (!status.startsWith("RTSP/1.0 ")) {
            throw new IOException("not an RTSP answer: " + status);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(l.substring(colon + 1).trim());
            }
        }
        List<String> length = headers.get("content-length");
        byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length.get(0)));
        return new Response(Integer.parseInt(status.substring(9, 12)), headers, new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 8192) {
                throw new IOException("line too long");
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
