package com.pandaproxy.printer;

import com.pandaproxy.tls.ServerCertificate;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A hand-made printer port for detection tests (plain JDK sockets, one thread per connection):
 * a chamber-image port that checks the login and sends one frame, an RTSPS port that answers
 * OPTIONS, or a plain-TCP port that is not TLS at all.
 */
final class TinyPrinterPort implements AutoCloseable {
    /** SILENT: TLS, then never a byte. */
    enum Kind { CHAMBER, RTSP, PLAIN, SILENT }

    private final ServerSocket server;
    private final Kind kind;
    private final String accessCode;
    private final AtomicInteger connections = new AtomicInteger();

    private TinyPrinterPort(ServerSocket server, Kind kind, String accessCode) {
        this.server = server;
        this.kind = kind;
        this.accessCode = accessCode;
        Thread t = new Thread(this::acceptLoop, "tiny-" + kind);
        t.setDaemon(true);
        t.start();
    }

    /** {@code port} 0 picks a free one. A certificate of its own, as a printer has (the proxy notices its own). */
    static TinyPrinterPort start(int port, Kind kind, String accessCode) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocket s;
        if (kind == Kind.PLAIN) {
            s = new ServerSocket();
        } else {
            ServerCertificate id = ServerCertificate.create(Set.of("127.0.0.1"));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("k", id.key(), new char[0], new Certificate[] {id.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            s = ctx.getServerSocketFactory().createServerSocket();
        }
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(loopback, port));
        return new TinyPrinterPort(s, kind, accessCode);
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(c), "tiny-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket c) {
        try (c) {
            c.setSoTimeout(10_000);
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            switch (kind) {
                case PLAIN -> out.write("HELLO\r\n".getBytes(StandardCharsets.US_ASCII));
                case SILENT -> { } // the TLS handshake happens in the read loop below
                case CHAMBER -> {
                    byte[] auth = new byte[80];
                    new DataInputStream(in).readFully(auth);
                    String code = new String(auth, 48, 32, StandardCharsets.US_ASCII).replace("\0", "");
                    if (!code.equals(accessCode)) {
                        return; // like the printer: hang up without a byte
                    }
                    byte[] jpeg = {(byte) 0xff, (byte) 0xd8, 1, 2, 3, (byte) 0xff, (byte) 0xd9};
                    ByteBuffer frame = ByteBuffer.allocate(16 + jpeg.length).order(ByteOrder.LITTLE_ENDIAN);
                    frame.putInt(jpeg.length).putInt(0).putInt(1).putInt(0).put(jpeg);
                    out.write(frame.array());
                }
                case RTSP -> {
                    StringBuilder request = new StringBuilder();
                    while (!request.toString().endsWith("\r\n\r\n") && request.length() < 4096) {
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        request.append((char) b);
                    }
                    out.write("RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                }
            }
            out.flush();
            while (in.read() >= 0) {
                // keep the connection until the prober hangs up
            }
        } catch (IOException e) {
            // the prober hung up
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
