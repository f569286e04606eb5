package com.pandaproxy.testutil;

import com.pandaproxy.chamber.AuthPacket;
import com.pandaproxy.sim.ChamberSimulator;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A chamber-image client that reads like the strict Home Assistant integration: recv(4096) in
 * a loop, a read of exactly 16 bytes is a header, then JPEG bytes until the announced size;
 * anything else (a header sharing a TLS record with JPEG bytes, more data than announced) is
 * a protocol violation. The JDK's SSLSocket returns at most one TLS record per read. Trusts
 * any certificate, as BambuLab clients do. One reader thread per client fills {@link #frames}.
 */
public final class ChamberViewer implements AutoCloseable {
    public final SSLSocket socket;
    /** Whole JPEGs in arrival order. */
    public final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    /** Simulator frame number → {@link System#nanoTime()} when its last byte was read. */
    public final Map<Long, Long> receivedNanos = new ConcurrentHashMap<>();
    private volatile String violation;
    private volatile boolean ended;
    private final Thread reader;

    private ChamberViewer(SSLSocket socket) {
        this.socket = socket;
        this.reader = new Thread(this::read, "chamber-viewer");
        reader.setDaemon(true);
    }

    /** Connects to 127.0.0.1:{@code port} as bblp, logs in and starts reading. */
    public static ChamberViewer connect(int port, String code) throws IOException {
        return login(tls("127.0.0.1", port, 0), "bblp", code);
    }

    /** Connects from the local address {@code from} to 127.0.0.1:{@code port} as bblp, logs in and starts reading. */
    public static ChamberViewer connect(InetAddress from, int port, String code) throws IOException {
        return login(tls(from, "127.0.0.1", port, 0), "bblp", code);
    }

    /** Connects (retrying while the port is closed, up to {@code wait}), logs in and starts reading. */
    public static ChamberViewer connect(String host, int port, String user, String code, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return login(tls(host, port, 0), user, code);
            } catch (ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10); // the port is not open yet: a waiting client polls
            }
        }
    }

    private static ChamberViewer login(SSLSocket socket, String user, String code) throws IOException {
        socket.getOutputStream().write(AuthPacket.encode(user, code));
        socket.getOutputStream().flush();
        ChamberViewer viewer = new ChamberViewer(socket);
        viewer.reader.start();
        return viewer;
    }

    /** A TLS socket to 127.0.0.1:{@code port}, handshake done; {@code receiveBuffer} 0 = default. */
    public static SSLSocket tls(int port, int receiveBuffer) throws IOException {
        return tls("127.0.0.1", port, receiveBuffer);
    }

    private static SSLSocket tls(String host, int port, int receiveBuffer) throws IOException {
        return tls(null, host, port, receiveBuffer);
    }

    private static SSLSocket tls(InetAddress from, String host, int port, int receiveBuffer) throws IOException {
        Socket plain = new Socket();
        try {
            if (from != null) {
                plain.bind(new InetSocketAddress(from, 0));
            }
            SSLContext ctx = trustingAll();
            if (receiveBuffer > 0) {
                plain.setReceiveBufferSize(receiveBuffer);
            }
            plain.connect(new InetSocketAddress(host, port), 5000);
            SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
            socket.setSoTimeout(20_000);
            socket.startHandshake();
            return socket;
        } catch (GeneralSecurityException e) {
            plain.close();
            throw new IOException(e);
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }

    private static SSLContext trustAll;

    /** One context for all viewers: making one per connection costs more than its handshake. */
    private static synchronized SSLContext trustingAll() throws GeneralSecurityException {
        if (trustAll == null) {
            trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        }
        return trustAll;
    }

    private void read() {
        byte[] buf = new byte[4096];
        ByteArrayOutputStream jpeg = null;
        int size = 0;
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return;
                }
                if (jpeg != null) {
                    jpeg.write(buf, 0, n);
                    if (jpeg.size() > size) {
                        violation = "more data than the header announced";
                        return;
                    }
                    if (jpeg.size() == size) {
                        byte[] frame = jpeg.toByteArray();
                        receivedNanos.put(ChamberSimulator.frameNumber(frame), System.nanoTime());
                        frames.add(frame);
                        jpeg = null;
                    }
                } else if (n == 16) {
                    size = ByteBuffer.wrap(buf, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                    if (size < 1 || size > 10 * 1024 * 1024) {
                        violation = "bad frame size " + size;
                        return;
                    }
                    jpeg = new ByteArrayOutputStream(size);
                } else {
                    violation = "a read of " + n + " bytes where a 16-byte header was expected";
                    return;
                }
            }
        } catch (IOException e) {
            // closed
        } finally {
            ended = true;
        }
    }

    /** What broke the strict reading rules, or null. */
    public String violation() {
        return violation;
    }

    /** Whether the proxy closed the connection (or it broke). */
    public boolean ended() {
        return ended;
    }

    /** The next frame's JPEG, or null after {@code timeout}. */
    public byte[] next(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next frame's JPEG; an exception if none comes within {@code timeout}. */
    public byte[] nextFrame(Duration timeout) throws IOException, InterruptedException {
        byte[] frame = next(timeout);
        if (frame == null) {
            throw new IOException("no frame within " + timeout.toMillis() + " ms"
                    + (ended ? " (connection closed)" : "") + (violation != null ? ": " + violation : ""));
        }
        return frame;
    }

    /** Waits for {@code count} frames; returns fewer if they do not come within {@code timeout}. */
    public List<byte[]> take(int count, Duration timeout) throws InterruptedException {
        List<byte[]> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got.size() < count) {
            long left = deadline - System.nanoTime();
            byte[] f = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (f == null) {
                break;
            }
            got.add(f);
        }
        return got;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
