package com.pandaproxy.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP hop on loopback in front of a printer that passes bytes on at once but a client's close
 * only after {@code closeDelayMillis}: a printer slow to notice that its viewer left. With a
 * printer that takes one viewer at a time, a client that connects again before the printer has
 * closed the old connection is refused. The printer's own close is passed back at once.
 */
public final class SlowToNoticeLink implements AutoCloseable {
    private final ServerSocket server;
    private final int printerPort;
    private final long closeDelayMillis;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public SlowToNoticeLink(int printerPort, long closeDelayMillis) throws IOException {
        this.printerPort = printerPort;
        this.closeDelayMillis = closeDelayMillis;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "slow-link-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket printer = new Socket();
                printer.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), printerPort), 2000);
                sockets.add(client);
                sockets.add(printer);
                AtomicInteger open = new AtomicInteger(2);
                pump(client, printer, closeDelayMillis, open);
                pump(printer, client, 0, open);
            } catch (IOException e) {
                // closed, or the printer is not there: the client sees its connection end
            }
        }
    }

    /**
     * Copies {@code from} to {@code to}; at the end of {@code from}, waits, then ends {@code to}'s
     * output. Both sockets close when both directions have ended, or at once on an error.
     */
    private void pump(Socket from, Socket to, long delayMillis, AtomicInteger open) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            boolean clean = false;
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                }
                Thread.sleep(delayMillis);
                to.shutdownOutput();
                clean = true;
            } catch (IOException | InterruptedException e) {
                // one side is gone: end both
            }
            if (open.decrementAndGet() == 0 || !clean) {
                quietClose(from);
                quietClose(to);
            }
        }, "slow-link-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void quietClose(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            quietClose(s);
        }
    }
}
