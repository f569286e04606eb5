package com.pandaproxy.fanout;

/**
 * One client of a {@link Fanout}. The fan-out calls {@link #offer} on its executor for every unit;
 * the sink decides per unit whether the client can take it. A client that cannot keep up
 * (not writable: its bounded backlog is full) loses units until the next sync point (a whole
 * JPEG frame, or the start of an H.264 keyframe), then resumes cleanly there.
 *
 * @param <U> the unit relayed: a JPEG frame, an RTP packet
 */
public abstract class Sink<U> {
    private boolean waitingForSync = true;
    private long dropped;

    /** Whether the client's backlog has room (Netty channel writability). */
    protected abstract boolean writable();

    /** Write the unit to the client. Must retain what it keeps; must not block. */
    protected abstract void write(U unit);

    /** Called on the fan-out's executor. */
    final void offer(U unit, boolean syncPoint) {
        if (waitingForSync && !syncPoint) {
            dropped++;
            return;
        }
        if (!writable()) {
            waitingForSync = true;
            dropped++;
            return;
        }
        waitingForSync = false;
        write(unit);
    }

    /** Units this client lost because it was slow or joined between sync points. */
    public final long dropped() {
        return dropped;
    }
}
