package com.pandaproxy.testutil;

import com.pandaproxy.chamber.AuthPacket;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A blocking chamber-image client for lifecycle tests and benchmarks: waits for the port to open,
 * logs in, reads whole frames. Trusts any certificate, as BambuLab clients do.
 */
public final class ChamberViewer implements AutoCloseable {
    private final SSLSocket socket;
    private final DataInputStream in;

    private ChamberViewer(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Connects (retrying while the port is closed, up to {@code wait}), then sends the login. */
    public static ChamberViewer connect(String host, int port, String user, String accessCode, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
        while (true) {
            Socket plain = new Socket();
            try {
                plain.connect(new InetSocketAddress(host, port), 1000);
            } catch (ConnectException e) {
                plain.close();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10); // the port is not open yet: a waiting client polls
                continue;
            }
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
            s.setSoTimeout((int) Math.max(1000, wait.toMillis()));
            s.getOutputStream().write(AuthPacket.encode(user, accessCode));
            s.getOutputStream().flush();
            return new ChamberViewer(s);
        }
    }

    /** The next JPEG; an exception if the proxy hangs up or nothing comes within {@code timeout}. */
    public byte[] nextFrame(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] header = new byte[16];
        in.readFully(header);
        int size = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (size < 1 || size > 10 * 1024 * 1024) {
            throw new IOException("bad frame size " + size);
        }
        byte[] jpeg = new byte[size];
        in.readFully(jpeg);
        return jpeg;
    }

    /** The raw stream after the login, e.g. to see the proxy hang up. */
    public java.io.InputStream in() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static final class TrustAll implements X509TrustManager {
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
    }
}
