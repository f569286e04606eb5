package com.pandaproxy.printer;

import com.pandaproxy.net.Backoff;
import com.pandaproxy.tls.PrinterTrust;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One printer: detection, then the active camera proxy, then shutdown. Owns the decisions;
 * the proxies own their connections and report into the shared {@link StatusBoard}.
 *
 * <p>With {@code --camera auto} the printer is probed (both ports at once) until one answers,
 * with backoff up to a minute between rounds. A type remembered from an earlier run opens its
 * proxy at once, so clients can connect and wait while the printer is away. A proxy of a
 * confirmed type that has not streamed for {@link Settings#switchAfter} while the other port
 * answers leads to a re-detection (a printer replaced at the same address). A port the active
 * proxy uses is not probed while it streams: the printer's camera accepts very few connections.
 *
 * <p>All decisions run on one thread; probes run on the Netty event loops.
 */
public final class Printer implements PrinterControl, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Printer.class);

    /**
     * Timings, shortened by tests.
     *
     * @param probeTimeout how long one probe of one port may take
     * @param minBackoff   first wait after a failed detection round
     * @param maxBackoff   longest wait between detection rounds
     * @param switchAfter  how long a confirmed type may fail to stream before the other port is considered
     * @param checkEvery   how often the active proxy's state is looked at
     */
    public record Settings(Duration probeTimeout, Duration minBackoff, Duration maxBackoff,
                           Duration switchAfter, Duration checkEvery) {
        public static final Settings DEFAULT = new Settings(CameraDetector.DEFAULT_TIMEOUT,
                Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(2), Duration.ofSeconds(1));
    }

    private final ProxyFactory factory;
    private final PrinterTrust trust;
    private final Settings settings;
    private final StatusBoard board;
    private final CameraDetector detector;
    private final CameraTypeStore store;
    private final CameraType fixed;
    private final ScheduledExecutorService exec;
    private final Backoff backoff;

    // confined to the printer thread, except where volatile
    private volatile CameraProxy active;
    private volatile boolean closed;
    /** JPEG viewers: attached to every chamber proxy this printer opens. */
    private final Set<PictureViewer> viewers = new CopyOnWriteArraySet<>();
    private CameraType activeType = CameraType.UNKNOWN;
    private boolean confirmed;
    private long lastStreamingNanos;
    private boolean probing;
    private boolean redetectRequested;
    private ScheduledFuture<?> next;
    private String lastNote;

    public Printer(ProxyContext context, DetectionSettings detection, ProxyFactory factory, Settings settings) {
        this.factory = factory;
        this.trust = context.tls().trust();
        this.settings = settings;
        this.board = context.status();
        this.detector = new CameraDetector(context, detection.chamber(), detection.rtsp(), settings.probeTimeout());
        this.store = new CameraTypeStore(detection.dataDir());
        this.fixed = detection.fixed();
        this.backoff = new Backoff(settings.minBackoff().toMillis(), settings.maxBackoff().toMillis());
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "printer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the configured or remembered type's proxy at once (a port that cannot be bound is
     * thrown here) and, unless the type is fixed, starts detecting.
     */
    public void start() throws Exception {
        Optional<CameraType> initial = fixed != null ? Optional.of(fixed) : store.load();
        CompletableFuture<Void> started = new CompletableFuture<>();
        exec.execute(() -> {
            try {
                if (initial.isPresent()) {
                    if (fixed == null) {
                        LOG.info("Opening the {} port for the camera type remembered from the last run", initial.get().id());
                    }
                    open(initial.get(), fixed != null, null);
                } else {
                    board.cameraType(CameraType.UNKNOWN);
                    LOG.info("Camera type not known yet (a first run): no camera port is open until the printer has answered"
                            + " once; clients get 'connection refused' until then. --camera chamber or rtsp opens its port at once");
                }
                if (fixed == null) {
                    schedule(0);
                }
                started.complete(null);
            } catch (Exception e) {
                started.completeExceptionally(e);
            }
        });
        try {
            started.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Override
    public PrinterStatus status() {
        return board.snapshot();
    }

    @Override
    public void addListener(Consumer<PrinterStatus> listener) {
        board.addListener(listener);
    }

    /** Also lets a connection refused for a changed printer certificate try once more (the pin is kept). */
    @Override
    public void reconnect() {
        run(() -> {
            trust.retry();
            connectNow();
        });
    }

    @Override
    public void trustNewCertificate() {
        run(() -> {
            if (trust.trustNewCertificate()) {
                connectNow();
            }
        });
    }

    private void connectNow() {
        if (active != null) {
            LOG.info("Reconnecting to the printer's camera");
            active.reconnect();
        } else {
            LOG.info("Probing the printer again now");
            backoff.reset();
            schedule(0);
        }
    }

    /**
     * Probes both ports and switches proxy if the type changed. A proxy that is streaming answers
     * the question itself (its printer is there and speaks its protocol), so nothing is probed.
     */
    @Override
    public void redetect() {
        run(() -> {
            if (fixed != null) {
                LOG.info("Not detecting: the camera type is fixed to {} by --camera", fixed.id());
                return;
            }
            LOG.info("Detecting the printer's camera type again");
            backoff.reset();
            if (active == null) {
                board.state(UpstreamState.DETECTING);
            }
            if (probing) {
                redetectRequested = true;
            } else {
                detect();
            }
        });
    }

    @Override
    public Optional<byte[]> latestJpeg() {
        CameraProxy p = active;
        return p == null ? Optional.empty() : p.latestJpeg();
    }

    /** The latest whole H.264 keyframe (RTSP printers only). */
    public Optional<H264Keyframe> latestKeyframe() {
        CameraProxy p = active;
        return p == null ? Optional.empty() : p.latestKeyframe();
    }

    /** Attaches a JPEG viewer to the camera, and to the next one after a switch of proxy. */
    public void watch(PictureViewer viewer) {
        viewers.add(viewer);
        CameraProxy p = active;
        if (p != null) {
            p.watch(viewer);
        }
    }

    public void unwatch(PictureViewer viewer) {
        viewers.remove(viewer);
        CameraProxy p = active;
        if (p != null) {
            p.unwatch(viewer);
        }
    }

    /** Whether a proxy is open and serving clients (its port bound), whatever the printer is doing. */
    public boolean serving() {
        return active != null && !closed;
    }

    /** Stops detecting, then closes the active proxy (stop accepting, close clients, close upstream). */
    @Override
    public void close() {
        closed = true;
        exec.shutdownNow();
        try {
            exec.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CameraProxy p = active;
        active = null;
        if (p != null) {
            p.close();
        }
        board.state(UpstreamState.STOPPED);
    }

    private void run(Runnable task) {
        try {
            exec.execute(task);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void schedule(long delayMillis) {
        if (next != null) {
            next.cancel(false);
        }
        if (!closed) {
            next = exec.schedule(this::tick, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** The one periodic step: detect while nothing is open, else watch the active proxy. */
    private void tick() {
        if (closed || probing) {
            return;
        }
        if (active == null) {
            detect();
            return;
        }
        long now = System.nanoTime();
        if (board.state() == UpstreamState.STREAMING) {
            lastStreamingNanos = now;
            backoff.reset();
            if (!confirmed) {
                confirmed = true;
                store.save(activeType);
            }
            schedule(settings.checkEvery().toMillis());
            return;
        }
        // a remembered type gets no patience: the printer may have been replaced while away
        long patience = confirmed ? settings.switchAfter().toNanos() : 0;
        long waited = now - lastStreamingNanos;
        if (waited < patience) {
            schedule(Math.min(settings.checkEvery().toMillis(), TimeUnit.NANOSECONDS.toMillis(patience - waited) + 1));
            return;
        }
        CameraType other = activeType == CameraType.CHAMBER ? CameraType.RTSP : CameraType.CHAMBER;
        probing = true;
        detector.probe(other).whenCompleteAsync((r, e) -> {
            probing = false;
            if (r != null && r.found() && active != null && board.state() != UpstreamState.STREAMING) {
                LOG.info("The {} port answers while the {} camera is not streaming: detecting again", other.id(), activeType.id());
                detect();
            } else if (!afterProbe()) {
                LOG.debug("{} port: {}", other.id(), r == null ? e : r.detail());
                schedule(backoff.nextDelayMillis());
            }
        }, exec);
    }

    /** One detection round of both ports. A streaming proxy settles the question without probing. */
    private void detect() {
        if (closed) {
            return;
        }
        if (active != null && board.state() == UpstreamState.STREAMING) {
            LOG.info("The {} camera is streaming: keeping it", activeType.id());
            schedule(settings.checkEvery().toMillis());
            return;
        }
        UpstreamState state = board.state();
        if (active == null && state != UpstreamState.BACKING_OFF && state != UpstreamState.AUTH_REJECTED) {
            // later rounds keep the failure state, so observers see a change only when something changes
            board.state(UpstreamState.DETECTING);
        }
        probing = true;
        // with no proxy open, a chamber-image probe's connection becomes the proxy's upstream
        detector.detect(active == null).whenCompleteAsync((d, e) -> {
            probing = false;
            if (d != null) {
                detected(d);
            } else {
                LOG.warn("Detection failed: {}", e.toString());
                schedule(backoff.nextDelayMillis());
            }
            afterProbe();
        }, exec);
    }

    /** Runs a re-detection asked for while a probe was in flight; true if it did. */
    private boolean afterProbe() {
        if (redetectRequested && !closed) {
            redetectRequested = false;
            detect();
            return true;
        }
        return false;
    }

    private void detected(Detection d) {
        CameraType type = d.type();
        ChamberConnection connection = d.chamberConnection();
        if (type != CameraType.UNKNOWN) {
            store.save(type);
            if (type != activeType || active == null) {
                try {
                    open(type, true, connection);
                } catch (Exception e) {
                    // e.g. the proxy's port is taken: retried with backoff, logged once
                    String msg = "cannot open the " + type.id() + " proxy: " + e.getMessage();
                    note(true, "Detected: " + d.summary() + ", but " + msg);
                    board.error(msg);
                    board.state(UpstreamState.BACKING_OFF);
                    schedule(backoff.nextDelayMillis());
                    return;
                }
            } else if (connection != null) {
                connection.close(); // the open proxy has its own connection
            }
            note(false, "Detected: " + d.summary());
            backoff.reset();
            confirmed = true;
            schedule(settings.checkEvery().toMillis());
            return;
        }
        long delay = backoff.nextDelayMillis();
        if (active == null) {
            board.error(d.summary());
            board.state(d.rejected() ? UpstreamState.AUTH_REJECTED : UpstreamState.BACKING_OFF);
            note(true, d.summary().substring(0, 1).toUpperCase() + d.summary().substring(1)
                    + "; probing again with backoff up to " + settings.maxBackoff().toMillis() / 1000.0 + " s");
        } else {
            LOG.debug("Detection found nothing ({}); keeping the {} proxy", d.summary(), activeType.id());
        }
        LOG.debug("Next detection in {} ms", delay);
        schedule(delay);
    }

    /**
     * Closes the active proxy (if any) and opens one of {@code type}, giving it {@code connection}
     * (the probe's, or null), which is closed if anything fails.
     */
    private void open(CameraType type, boolean confirmedType, ChamberConnection connection) throws Exception {
        CameraProxy old = active;
        if (old != null) {
            LOG.info("Camera type changed from {} to {}: switching proxy", activeType.id(), type.id());
            active = null;
            old.close();
        }
        activeType = type;
        confirmed = confirmedType;
        lastStreamingNanos = System.nanoTime();
        board.cameraType(type);
        board.error(null);
        board.state(UpstreamState.CONNECTING);
        CameraProxy proxy = null;
        try {
            proxy = factory.create(type, type == CameraType.CHAMBER ? connection : null);
            if (type != CameraType.CHAMBER && connection != null) {
                connection.close();
            }
            proxy.start();
        } catch (Exception e) {
            if (proxy != null) {
                proxy.close();
            } else if (connection != null) {
                connection.close();
            }
            activeType = CameraType.UNKNOWN;
            throw e;
        }
        active = proxy;
        for (PictureViewer v : viewers) {
            proxy.watch(v); // after active is set: one watching meanwhile is attached once, not missed
        }
    }

    private void note(boolean warn, String message) {
        if (message.equals(lastNote)) {
            return;
        }
        lastNote = message;
        if (warn) {
            LOG.warn(message);
        } else {
            LOG.info(message);
        }
    }
}
