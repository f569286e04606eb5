package com.pandaproxy.mqtt;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Bytes over TLS to the relay, for what no well-behaved client sends. */
final class RawClient implements AutoCloseable {
    final SSLSocket socket;

    RawClient(int port) throws Exception {
        this(port, 0);
    }

    /** @param receiveBuffer the socket's receive buffer, 0 for the default (a small one makes a slow reader) */
    RawClient(int port, int receiveBuffer) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        socket = (SSLSocket) tls.getSocketFactory().createSocket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.startHandshake();
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Reads until the relay closes the connection (returns what came before) or {@code timeout} passes (null). */
    byte[] readUntilClosed(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            // reset: closed all the same
        }
        return out.toByteArray();
    }

    /** Reads exactly {@code n} bytes. */
    byte[] read(int n, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return socket.getInputStream().readNBytes(n);
    }

    /** A CONNECT packet: protocol level {@code level} (3 = 3.1, 4 = 3.1.1, 5 = MQTT 5), clean session, keep-alive 60. */
    static byte[] connect(int level, String clientId, String user, String password) {
        return connect(level, clientId, user, password, 60);
    }

    static byte[] connect(int level, String clientId, String user, String password, int keepAlive) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, level == 3 ? "MQIsdp" : "MQTT");
        body.write(level);
        body.write(0xC2); // user name, password, clean session
        body.write(keepAlive >> 8);
        body.write(keepAlive);
        if (level == 5) {
            body.write(0); // no properties
        }
        string(body, clientId);
        string(body, user);
        string(body, password);
        return packet(0x10, body.toByteArray());
    }

    /** A SUBSCRIBE of one filter at QoS 0. */
    static byte[] subscribe(int packetId, String filter) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(packetId >> 8);
        body.write(packetId);
        string(body, filter);
        body.write(0);
        return packet(0x82, body.toByteArray());
    }

    /** A QoS 0 PUBLISH. */
    static byte[] publish(String topic, byte[] payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, topic);
        body.writeBytes(payload);
        return packet(0x30, body.toByteArray());
    }

    static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
