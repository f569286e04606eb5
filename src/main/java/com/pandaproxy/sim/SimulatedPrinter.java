package com.pandaproxy.sim;

/** A simulated printer camera on loopback, for the demo and the tests. */
public interface SimulatedPrinter extends AutoCloseable {
    /** The loopback port it listens on. */
    int port();

    /** Stops listening and drops its viewer. */
    @Override
    void close();
}
