package com.pandaproxy.web;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** HTTP over a plain socket, byte for byte: for requests no well-behaved client would send, and for MJPEG parts. */
final class RawHttp implements AutoCloseable {
    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    final Socket socket;
    private final DataInputStream in;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        this.in = new DataInputStream(socket.getInputStream());
    }

    static RawHttp connect(int port) throws IOException {
        return connect(null, port, 0);
    }

    /** From {@code from} (another loopback address, e.g. 127.0.0.2), with a small receive buffer if not 0. */
    static RawHttp connect(InetAddress from, int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        if (from != null) {
            s.bind(new InetSocketAddress(from, 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return new RawHttp(s);
    }

    void send(String raw) throws IOException {
        socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** A GET with the given extra header lines (each ending in CRLF). */
    void get(String path, String headers) throws IOException {
        send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
    }

    /** Status line and headers; then the body by Content-Length (none without one). */
    Response response() throws IOException {
        Response head = head();
        String length = head.header("content-length");
        byte[] body = new byte[length == null ? 0 : Integer.parseInt(length)];
        in.readFully(body);
        return new Response(head.status(), head.headers(), body);
    }

    Response head() throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("connection closed before a response");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, new byte[0]);
    }

    /** The next part of a multipart/x-mixed-replace body: its JPEG. */
    byte[] part() throws IOException {
        String boundary = line();
        while (boundary != null && boundary.isEmpty()) {
            boundary = line();
        }
        if (boundary == null || !boundary.startsWith("--")) {
            throw new IOException("expected a boundary, got " + boundary);
        }
        Response head = new Response(0, headersUntilBlank(), new byte[0]);
        byte[] jpeg = new byte[Integer.parseInt(head.header("content-length"))];
        in.readFully(jpeg);
        return jpeg;
    }

    private Map<String, String> headersUntilBlank() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        return headers;
    }

    /** Whether the server has closed the connection (reads to the end, within the socket timeout). */
    boolean closedByServer() {
        try {
            InputStream s = socket.getInputStream();
            byte[] b = new byte[4096];
            while (s.read(b) >= 0) {
                // drain
            }
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
