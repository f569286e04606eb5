package com.pandaproxy.fanout;

import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One-to-many relay of reference-counted units. All state is confined to one executor (the
 * upstream's event loop), so publishing never takes a lock and never waits for a client: each
 * {@link Sink} writes a retained duplicate or drops the unit.
 */
public final class Fanout<U extends ReferenceCounted> {
    private final EventExecutor executor;
    private final JoinCache<U> cache;
    private final Set<Sink<U>> sinks = new LinkedHashSet<>();
    private volatile int size;

    public Fanout(EventExecutor executor, JoinCache<U> cache) {
        this.executor = executor;
        this.cache = cache;
    }

    public EventExecutor executor() {
        return executor;
    }

    /** Number of sinks currently attached. */
    public int size() {
        return size;
    }

    /**
     * Relays one unit to every sink and releases the caller's reference. Call on {@link #executor()}.
     */
    public void publish(U unit, boolean syncPoint) {
        assert executor.inEventLoop();
        try {
            cache.record(unit, syncPoint);
            for (Sink<U> sink : sinks) {
                sink.offer(unit, syncPoint);
            }
        } finally {
            ReferenceCountUtil.release(unit);
        }
    }

    /** Attaches a sink: it gets the join cache's replay first, then live units. Thread-safe. */
    public void add(Sink<U> sink) {
        run(() -> {
            if (sinks.add(sink)) {
                size = sinks.size();
                List<U> replay = cache.replay();
                for (int i = 0; i < replay.size(); i++) {
                    sink.offer(replay.get(i), i == 0);
                }
            }
        });
    }

    /** Detaches a sink. Thread-safe. */
    public void remove(Sink<U> sink) {
        run(() -> {
            sinks.remove(sink);
            size = sinks.size();
        });
    }

    /** Forgets the join cache (e.g. new stream parameters after an upstream reconnect). Thread-safe. */
    public void clearCache() {
        run(cache::clear);
    }

    /** Snapshot of the attached sinks, for closing them on shutdown. Thread-safe. */
    public List<Sink<U>> sinks() {
        if (executor.inEventLoop()) {
            return new ArrayList<>(sinks);
        }
        return executor.submit(() -> new ArrayList<>(sinks)).syncUninterruptibly().getNow();
    }

    private void run(Runnable task) {
        if (executor.inEventLoop()) {
            task.run();
        } else {
            executor.execute(task);
        }
    }
}
