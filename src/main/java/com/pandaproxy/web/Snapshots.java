package com.pandaproxy.web;

import com.pandaproxy.fanout.Fanout;
import com.pandaproxy.fanout.JoinCache;
import com.pandaproxy.fanout.Sink;
import com.pandaproxy.printer.CameraType;
import com.pandaproxy.printer.H264Keyframe;
import com.pandaproxy.printer.PictureViewer;
import com.pandaproxy.printer.PrinterStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera's latest picture as a JPEG, for /snapshot.jpg, MQTT and the MJPEG viewers of RTSP
 * cameras. Chamber-image cameras have one ready. RTSP cameras have H.264: their latest keyframe is
 * decoded ({@link KeyframeDecoder}) on a thread of its own, at most once per {@link #MIN_INTERVAL_NANOS}
 * however many ask, and only while someone asks: a snapshot request, or MJPEG viewers, which get
 * each new decoded picture through a fan-out of their own.
 */
public final class Snapshots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    static final long MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The decoder (its ~9 MB at 1080p) is let go after this long without anyone asking. */
    static final long KEEP_DECODER_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** A picture, or why there is none (one sentence). */
    public record Result(byte[] jpeg, String problem) {
        static Result of(byte[] jpeg) {
            return new Result(jpeg, null);
        }

        static Result none(String problem) {
            return new Result(null, problem);
        }
    }

    private final Camera camera;
    private final EventLoop loop;
    private final ScheduledExecutorService worker;
    private final Fanout<ByteBuf> decoded;
    private final Map<PictureViewer, Sink<ByteBuf>> viewers = new ConcurrentHashMap<>();
    private ScheduledFuture<?> ticker; // on the loop

    // on the worker thread
    private long lastDecodeNanos = System.nanoTime() - MIN_INTERVAL_NANOS;
    private long lastKeyframe = -1;
    private byte[] lastJpeg;
    private String lastProblem;
    private volatile long decodes;
    private KeyframeDecoder decoder;
    private long lastAskNanos;

    // on the loop
    private CompletableFuture<Result> pending;
    private byte[] lastPublished;

    Snapshots(Camera camera, EventLoop loop) {
        this.camera = camera;
        this.loop = loop;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "snapshot");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY); // decoding must never hold up the video
            return t;
        });
        this.decoded = new Fanout<>(loop, new Latest());
    }

    /** The latest picture; completes on the snapshot thread. */
    public CompletableFuture<Result> latest() {
        CompletableFuture<Result> result = new CompletableFuture<>();
        try {
            worker.execute(() -> {
                try {
                    result.complete(take());
                } catch (RuntimeException | Error e) { // never leave the asker (and the MJPEG tick) waiting
                    lastProblem = e.toString();
                    lastJpeg = null;
                    LOG.warn("Cannot make a snapshot: {}", lastProblem);
                    result.complete(Result.none("no picture: " + lastProblem));
                }
            });
        } catch (RejectedExecutionException e) {
            result.complete(Result.none("shutting down"));
        }
        return result;
    }

    /** On the worker. */
    private Result take() {
        PrinterStatus status = camera.status();
        if (status.cameraType() == CameraType.CHAMBER) {
            return camera.latestJpeg().map(Result::of).orElseGet(() -> Result.none(noPicture(status)));
        }
        if (status.cameraType() != CameraType.RTSP) {
            return Result.none("no picture yet: the printer's camera type is not known yet (" + status.upstreamState().id() + ")");
        }
        long now = System.nanoTime();
        lastAskNanos = now;
        if (now - lastDecodeNanos < MIN_INTERVAL_NANOS) {
            return lastJpeg != null ? Result.of(lastJpeg) : Result.none(lastProblem);
        }
        lastDecodeNanos = now;
        Optional<H264Keyframe> keyframe = camera.latestKeyframe();
        if (keyframe.isEmpty()) {
            lastProblem = noPicture(status);
            return lastJpeg != null ? Result.of(lastJpeg) : Result.none(lastProblem);
        }
        if (keyframe.get().id() != lastKeyframe) {
            try {
                long start = System.nanoTime();
                decodes++;
                if (decoder == null) {
                    decoder = new KeyframeDecoder();
                    worker.schedule(this::forgetDecoder, KEEP_DECODER_NANOS, TimeUnit.NANOSECONDS);
                }
                lastJpeg = decoder.jpeg(keyframe.get());
                lastProblem = null;
                LOG.debug("Decoded a keyframe into a {} byte JPEG in {} ms", lastJpeg.length, (System.nanoTime() - start) / 1_000_000);
            } catch (IOException e) {
                if (!e.getMessage().equals(lastProblem)) {
                    LOG.warn("Cannot make a snapshot of the printer's keyframe: {}", e.getMessage());
                }
                lastProblem = e.getMessage();
                lastJpeg = null;
            }
            lastKeyframe = keyframe.get().id();
        }
        return lastJpeg != null ? Result.of(lastJpeg) : Result.none("no picture: " + lastProblem);
    }

    /** On the worker: lets the decoder go once nobody has asked for a while. */
    private void forgetDecoder() {
        long idle = System.nanoTime() - lastAskNanos;
        if (idle >= KEEP_DECODER_NANOS) {
            decoder = null;
        } else {
            worker.schedule(this::forgetDecoder, KEEP_DECODER_NANOS - idle, TimeUnit.NANOSECONDS);
        }
    }

    private static String noPicture(PrinterStatus status) {
        return "no picture yet: the printer's camera is " + status.upstreamState().id().replace('_', ' ');
    }

    /** Keyframes decoded so far. */
    long decodes() {
        return decodes;
    }

    /** Attaches a viewer to the decoded pictures of an RTSP camera (nothing comes for other cameras). */
    void watch(PictureViewer viewer) {
        Sink<ByteBuf> sink = new Sink<>() {
            @Override
            protected boolean writable() {
                return viewer.ready();
            }

            @Override
            protected void write(ByteBuf jpeg) {
                viewer.picture(jpeg.retainedDuplicate());
            }
        };
        if (viewers.putIfAbsent(viewer, sink) == null) {
            decoded.add(sink);
            loop.execute(this::tick);
        }
    }

    void unwatch(PictureViewer viewer) {
        Sink<ByteBuf> sink = viewers.remove(viewer);
        if (sink != null) {
            decoded.remove(sink);
        }
    }

    /** On the loop: while RTSP viewers watch, a picture every second (a new one when the keyframe is new). */
    private void tick() {
        if (viewers.isEmpty()) {
            if (ticker != null) {
                ticker.cancel(false);
                ticker = null;
            }
            return;
        }
        if (ticker == null) {
            ticker = loop.scheduleAtFixedRate(this::tick, MIN_INTERVAL_NANOS, MIN_INTERVAL_NANOS, TimeUnit.NANOSECONDS);
        }
        if (camera.status().cameraType() != CameraType.RTSP) {
            decoded.clearCache(); // an RTSP picture of before is not this camera's
            lastPublished = null;
            return;
        }
        if (pending != null) {
            return;
        }
        CompletableFuture<Result> next = latest();
        pending = next;
        next.thenAccept(r -> loop.execute(() -> {
            pending = null;
            if (r.jpeg() != null && r.jpeg() != lastPublished) {
                lastPublished = r.jpeg();
                decoded.publish(Unpooled.wrappedBuffer(r.jpeg()), true);
            }
        }));
    }

    /** Join cache: the last decoded picture, so a new viewer starts with it at once. */
    private static final class Latest implements JoinCache<ByteBuf> {
        private ByteBuf picture;

        @Override
        public void record(ByteBuf unit, boolean syncPoint) {
            clear();
            picture = unit.retain();
        }

        @Override
        public List<ByteBuf> replay() {
            return picture == null ? List.of() : List.of(picture);
        }

        @Override
        public void clear() {
            if (picture != null) {
                picture.release();
                picture = null;
            }
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        loop.execute(() -> {
            if (ticker != null) {
                ticker.cancel(false);
            }
            decoded.clearCache();
        });
    }
}
