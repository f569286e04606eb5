package com.pandaproxy.sim;

/** A simulated printer camera on loopback, for the demo and the tests. */
public interface SimulatedPrinter extends AutoCloseable {
    /** The access code of the demo's simulated printer when none is given: a sample value, not a secret. */
    String DEMO_ACCESS_CODE = "12345678";

    /** The demo printer's serial number: its certificate's CN and its MQTT topics' middle level. */
    String DEMO_SERIAL = "01P00A000000001";

    /** The loopback port it listens on. */
    int port();

    /** Stops listening and drops its viewer. */
    @Override
    void close();
}
