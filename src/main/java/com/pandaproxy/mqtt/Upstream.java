package com.pandaproxy.mqtt;

import com.pandaproxy.net.Secret;
import com.pandaproxy.printer.UpstreamLifecycle;
import com.pandaproxy.printer.UpstreamLifecycle.Connection;
import java.net.InetSocketAddress;

/**
 * The MQTT relay's part of the one connection to the printer's broker: where it is, and a
 * {@link PrinterLink} on each connection. Connecting, backoff, the watchdog and reconnecting are its
 * {@link UpstreamLifecycle}'s.
 */
final class Upstream implements UpstreamLifecycle.Protocol {
    private final InetSocketAddress printer;
    private final Secret accessCode;
    private final Hub hub;

    Upstream(String host, int port, Secret accessCode, Hub hub) {
        this.printer = InetSocketAddress.createUnresolved(host, port);
        this.accessCode = accessCode;
        this.hub = hub;
    }

    @Override
    public InetSocketAddress target() {
        return printer;
    }

    @Override
    public UpstreamLifecycle.Session open(Connection c) {
        return new PrinterLink(c, accessCode, hub);
    }
}
