package com.pandaproxy.app;

/**
 * Netty settings that keep the proxy small, applied before Netty's classes load. Each is a
 * default only: a {@code -D} given on the command line wins. Measured with the chamber benchmark
 * (BENCHMARKS.md, chamber): together they save several MB of resident memory at no CPU cost.
 */
public final class NettyDefaults {
    private NettyDefaults() {
    }

    public static void apply() {
        // Netty's allocator JFR events would load and register about 100 JFR classes (≈ 2.5 MB, ~0.1 s of every start)
        setIfAbsent("io.netty.jfr.enabled", "false");
        // frames are allocated once at their exact size and shared; pooling would only keep
        // chunks and per-thread caches resident for the few other buffers (≈ 3 MB)
        setIfAbsent("io.netty.allocator.type", "unpooled");
        // one event loop per core (Netty's default is two): the work is TLS in native code
        setIfAbsent("io.netty.eventLoopThreads", String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors())));
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
