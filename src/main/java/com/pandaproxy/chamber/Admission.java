package com.pandaproxy.chamber;

/**
 * The --max-clients slots: only authenticated clients take one. Logins in progress are bounded
 * by the port's {@link com.pandaproxy.net.LoginGate}. Thread-safe: channels live on several event loops.
 */
final class Admission {
    private final int maxClients;
    private int clients;

    Admission(int maxClients) {
        this.maxClients = maxClients;
    }

    /** Why a new connection may not even start a login, or null if it may. */
    synchronized String refusal() {
        return clients >= maxClients ? maxClients + " clients already connected (--max-clients)" : null;
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
}
