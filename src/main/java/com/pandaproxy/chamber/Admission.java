package com.pandaproxy.chamber;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Who may hold a connection to the proxy. Only authenticated clients count toward --max-clients;
 * connections still logging in (TLS and the 80-byte packet, at most the login time limit) are
 * bounded on their own, in total and per address, so a few idle TCP connections cannot lock
 * real clients out and one address cannot take every login slot. Thread-safe: channels live on
 * several event loops, and these calls happen once or twice per connection.
 */
final class Admission {
    /** Logins in progress at once, over all addresses. */
    static final int MAX_PENDING = 32;
    /** Logins in progress at once from one address. */
    static final int MAX_PENDING_PER_ADDRESS = 8;

    private final int maxClients;
    private final int maxPending;
    private final int maxPendingPerAddress;
    private final Map<InetAddress, Integer> pendingByAddress = new HashMap<>();
    private int pending;
    private int clients;

    Admission(int maxClients) {
        this(maxClients, MAX_PENDING, MAX_PENDING_PER_ADDRESS);
    }

    Admission(int maxClients, int maxPending, int maxPendingPerAddress) {
        this.maxClients = maxClients;
        this.maxPending = maxPending;
        this.maxPendingPerAddress = maxPendingPerAddress;
    }

    /** Why a new connection from {@code address} may not start a login, or null if it may (and now counts as pending). */
    synchronized String startLogin(InetAddress address) {
        if (clients >= maxClients) {
            return maxClients + " clients already connected (--max-clients)";
        }
        if (pending >= maxPending) {
            return maxPending + " logins already in progress";
        }
        int fromAddress = pendingByAddress.getOrDefault(address, 0);
        if (fromAddress >= maxPendingPerAddress) {
            return maxPendingPerAddress + " logins already in progress from this address";
        }
        pendingByAddress.put(address, fromAddress + 1);
        pending++;
        return null;
    }

    /** The login of a connection from {@code address} is over (passed, failed or closed). Call once per started login. */
    synchronized void endLogin(InetAddress address) {
        int fromAddress = pendingByAddress.getOrDefault(address, 0);
        if (fromAddress <= 1) {
            pendingByAddress.remove(address);
        } else {
            pendingByAddress.put(address, fromAddress - 1);
        }
        pending = Math.max(0, pending - 1);
    }

    /** An authenticated client takes a slot; false when all --max-clients slots are taken. */
    synchronized boolean join() {
        if (clients >= maxClients) {
            return false;
        }
        clients++;
        return true;
    }

    /** An authenticated client left. */
    synchronized void leave() {
        clients = Math.max(0, clients - 1);
    }

    synchronized int clients() {
        return clients;
    }

    synchronized int pending() {
        return pending;
    }
}
