package com.pandaproxy.chamber;

import com.pandaproxy.sim.ChamberSimulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A chamber-image client that reads like the strict Home Assistant integration: recv(4096)
 * in a loop, a read of exactly 16 bytes is a header, then JPEG bytes until the announced size;
 * anything else (a header sharing a TLS record with JPEG bytes, more data than announced) is
 * a protocol violation. The JDK's SSLSocket returns at most one TLS record per read.
 */
final class StrictClient implements AutoCloseable {
    final SSLSocket socket;
    final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    final AtomicLong bytes = new AtomicLong();
    /** Simulator frame number → {@link System#nanoTime()} when its last byte was read. */
    final Map<Long, Long> receivedNanos = new ConcurrentHashMap<>();
    volatile String violation;
    volatile boolean ended;
    private final Thread reader;

    private StrictClient(SSLSocket socket) {
        this.socket = socket;
        this.reader = new Thread(this::read, "strict-client");
        reader.setDaemon(true);
    }

    /** Connects, logs in and starts reading. */
    static StrictClient connect(int port, String code) throws IOException {
        SSLSocket socket = tls(port, 0);
        socket.getOutputStream().write(AuthPacket.encode("bblp", code));
        socket.getOutputStream().flush();
        StrictClient client = new StrictClient(socket);
        client.reader.start();
        return client;
    }

    /** A TLS socket to the proxy, handshake done, trusting any certificate; {@code receiveBuffer} 0 = default. */
    static SSLSocket tls(int port, int receiveBuffer) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            Socket plain = new Socket();
            if (receiveBuffer > 0) {
                plain.setReceiveBufferSize(receiveBuffer);
            }
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            socket.setSoTimeout(20_000);
            socket.startHandshake();
            return socket;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
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
                bytes.addAndGet(n);
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

    /** The next frame's JPEG, or null after {@code timeout}. */
    byte[] next(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for {@code count} frames; fails the caller's expectations by returning fewer. */
    List<byte[]> take(int count, Duration timeout) throws InterruptedException {
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
