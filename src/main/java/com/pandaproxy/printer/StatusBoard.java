package com.pandaproxy.printer;

import com.pandaproxy.tls.TrustStatus;
import java.time.Clock;
import com.pandaproxy.net.HostPort;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The live status of one printer's proxy. Upstream clients and servers report into it from
 * their event loops; observers get a {@link PrinterStatus} snapshot. Frame and byte counts
 * are cheap (no listener call per frame); listeners are told about state, client-count,
 * type and error changes. Rates are computed over the last {@value #WINDOW_SECONDS} seconds.
 */
public final class StatusBoard implements UpstreamLifecycle.Observer {
    static final int WINDOW_SECONDS = 5;

    /**
     * One connected client, for the web page's list.
     *
     * @param protocol what it speaks, e.g. "chamber", "rtsp", "rtsps", "mjpeg"
     * @param address  its address and port as text ({@code 192.168.1.7:51234}), or "" when unknown
     * @param since    when it joined
     */
    public record Client(String protocol, String address, Instant since) {
    }

    private final Clock clock;
    private final List<Consumer<PrinterStatus>> listeners = new CopyOnWriteArrayList<>();

    private CameraType cameraType;
    private UpstreamState state = UpstreamState.DETECTING;
    private final List<Client> clientList = new ArrayList<>();
    private long reconnects;
    private long badFrames;
    private String lastError;
    private Instant lastFrame;
    private boolean everConnected;
    private TrustStatus certificate = TrustStatus.UNKNOWN;
    private PrinterStatus.RelayStatus relay;

    // per-second buckets of frames and bytes, indexed by epoch second modulo the window
    private final long[] bucketSecond = new long[WINDOW_SECONDS + 1];
    private final long[] bucketFrames = new long[WINDOW_SECONDS + 1];
    private final long[] bucketBytes = new long[WINDOW_SECONDS + 1];

    public StatusBoard(CameraType cameraType) {
        this(cameraType, Clock.systemUTC());
    }

    public StatusBoard(CameraType cameraType, Clock clock) {
        this.cameraType = cameraType;
        this.clock = clock;
    }

    public void addListener(Consumer<PrinterStatus> listener) {
        listeners.add(listener);
    }

    public void cameraType(CameraType type) {
        synchronized (this) {
            if (cameraType == type) {
                return;
            }
            cameraType = type;
        }
        fire();
    }

    /** Upstream state change; a change to STREAMING after a previous stream counts as a reconnect. */
    @Override
    public void state(UpstreamState newState) {
        synchronized (this) {
            if (state == newState) {
                return;
            }
            if (newState == UpstreamState.STREAMING) {
                if (everConnected) {
                    reconnects++;
                }
                everConnected = true;
                lastError = null;
            }
            state = newState;
        }
        fire();
    }

    public UpstreamState state() {
        synchronized (this) {
            return state;
        }
    }

    /** Last upstream error; must never contain a secret. */
    @Override
    public void error(String message) {
        synchronized (this) {
            if (message == null ? lastError == null : message.equals(lastError)) {
                return;
            }
            lastError = message;
        }
        fire();
    }

    /** What is known of the printer's certificate now ({@code PrinterTrust}'s listener). */
    public void certificate(TrustStatus status) {
        synchronized (this) {
            if (certificate.equals(status)) {
                return;
            }
            certificate = status;
        }
        fire();
    }

    /** A client joined; give the returned entry to {@link #clientDisconnected} when it leaves. */
    public Client clientConnected(String protocol, SocketAddress address) {
        Client c = new Client(protocol, describe(address), clock.instant());
        synchronized (this) {
            clientList.add(c);
        }
        fire();
        return c;
    }

    public void clientDisconnected(Client client) {
        boolean removed;
        synchronized (this) {
            // by identity: two clients may look alike
            removed = clientList.removeIf(c -> c == client);
        }
        if (removed) {
            fire();
        }
    }

    /** The connected clients, oldest first. */
    public List<Client> clients() {
        synchronized (this) {
            return List.copyOf(clientList);
        }
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress a && a.getAddress() != null) {
            return HostPort.of(a.getAddress().getHostAddress(), a.getPort());
        }
        return address == null ? "" : address.toString();
    }

    /** The MQTT relay's state changed (it reports the first one when it starts). */
    public void relay(PrinterStatus.RelayStatus value) {
        synchronized (this) {
            if (value.equals(relay)) {
                return;
            }
            relay = value;
        }
        fire();
    }

    /** {@code count} more frames from the printer were dropped because they were malformed (no listener call, like frames). */
    public void badFrames(long count) {
        synchronized (this) {
            badFrames += count;
        }
    }

    /** A complete frame (or video access unit) of {@code bytes} arrived from the printer. */
    public void frame(int bytes) {
        Instant now = clock.instant();
        synchronized (this) {
            lastFrame = now;
            bucket(now.getEpochSecond());
            bucketFrames[(int) (now.getEpochSecond() % bucketSecond.length)]++;
        }
        bytes(bytes, now);
    }

    /** Upstream payload bytes that are not a whole frame (RTP packets). */
    public void bytes(int bytes) {
        bytes(bytes, clock.instant());
    }

    private void bytes(int bytes, Instant now) {
        synchronized (this) {
            bucket(now.getEpochSecond());
            bucketBytes[(int) (now.getEpochSecond() % bucketSecond.length)] += bytes;
        }
    }

    private void bucket(long second) {
        int i = (int) (second % bucketSecond.length);
        if (bucketSecond[i] != second) {
            bucketSecond[i] = second;
            bucketFrames[i] = 0;
            bucketBytes[i] = 0;
        }
    }

    public PrinterStatus snapshot() {
        long now = clock.instant().getEpochSecond();
        synchronized (this) {
            long frames = 0;
            long bytes = 0;
            // the current second is incomplete: average over the complete seconds before it
            for (int i = 0; i < bucketSecond.length; i++) {
                long age = now - bucketSecond[i];
                if (age >= 1 && age <= WINDOW_SECONDS) {
                    frames += bucketFrames[i];
                    bytes += bucketBytes[i];
                }
            }
            double fps = Math.round(frames * 100.0 / WINDOW_SECONDS) / 100.0;
            return new PrinterStatus(cameraType, state, clientList.size(), fps, bytes * 8 / WINDOW_SECONDS,
                    lastFrame, reconnects, lastError, badFrames, certificate, relay);
        }
    }

    private void fire() {
        if (listeners.isEmpty()) {
            return;
        }
        PrinterStatus s = snapshot();
        for (Consumer<PrinterStatus> l : listeners) {
            l.accept(s);
        }
    }
}
