package com.pandaproxy.app;

/**
 * Configures the SLF4J simple backend before the first logger is made: one line per event
 * with time, level and short logger name, on stderr.
 */
final class Logging {
    private Logging() {
    }

    static void configure(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        // Netty and Paho are chatty at debug; keep them at info unless asked for trace
        String libraries = level.equals("trace") ? "trace" : "info";
        System.setProperty("org.slf4j.simpleLogger.log.io.netty", libraries);
    }
}
