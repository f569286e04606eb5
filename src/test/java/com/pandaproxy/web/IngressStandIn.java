package com.pandaproxy.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Home Assistant's ingress proxy: takes requests under {@code /api/hassio_ingress/TOKEN},
 * strips that prefix, adds {@code X-Ingress-Path} and forwards them from the ingress proxy's own
 * address (another loopback address here), one request per connection, answers streamed back as they come.
 */
final class IngressStandIn implements AutoCloseable {
    static final String PREFIX = "/api/hassio_ingress/k3y_t0ken-ABC";

    private final ServerSocket server;
    private final InetAddress from;
    private final int target;
    /** The paths forwarded (without the prefix) and the status each got. */
    final List<String> forwarded = new CopyOnWriteArrayList<>();
    final List<String> refused = new CopyOnWriteArrayList<>();

    IngressStandIn(InetAddress from, int target) throws IOException {
        this.from = from;
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "ingress-stand-in");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + PREFIX + path;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> forward(client), "ingress-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void forward(Socket client) {
        try (client; Socket upstream = new Socket()) {
            String head = head(client.getInputStream());
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] request = lines[0].split(" ");
            if (request.length != 3 || !request[1].startsWith(PREFIX + "/")) {
                refused.add(lines[0]);
                client.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            String path = request[1].substring(PREFIX.length());
            forwarded.add(request[0] + " " + path);
            StringBuilder out = new StringBuilder(request[0] + " " + path + " " + request[2] + "\r\n");
            for (int i = 1; i < lines.length; i++) {
                String lower = lines[i].toLowerCase();
                if (!lower.startsWith("connection:") && !lower.startsWith("x-ingress-path:") && !lower.startsWith("authorization:")) {
                    out.append(lines[i]).append("\r\n");
                }
            }
            out.append("X-Ingress-Path: ").append(PREFIX).append("\r\nConnection: close\r\n\r\n");
            upstream.bind(new InetSocketAddress(from, 0));
            upstream.connect(new InetSocketAddress("127.0.0.1", target), 5000);
            upstream.getOutputStream().write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
            Thread body = new Thread(() -> pipe(client, upstream), "ingress-body");
            body.setDaemon(true);
            body.start();
            pipe(upstream, client);
        } catch (IOException e) {
            // the browser or the server went away
        }
    }

    /** Everything from one socket to the other until either ends. */
    private static void pipe(Socket in, Socket out) {
        try {
            InputStream i = in.getInputStream();
            OutputStream o = out.getOutputStream();
            byte[] buffer = new byte[16384];
            for (int n = i.read(buffer); n >= 0; n = i.read(buffer)) {
                o.write(buffer, 0, n);
                o.flush();
            }
        } catch (IOException e) {
            // closed
        } finally {
            try {
                out.shutdownOutput();
            } catch (IOException e) {
                // closed
            }
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s.substring(0, s.length() - 4);
            }
            if (b.size() > 16384) {
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
