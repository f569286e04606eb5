package com.pandaproxy.rtsp.relay;

import com.pandaproxy.fanout.Sink;

/**
 * A client of the {@link Relay}: writes packets without flushing; the relay calls {@link #flush}
 * once after each burst of packets (one upstream read), so a client costs one flush (one TLS
 * record batch, one syscall) per burst rather than one per packet.
 */
public abstract class RelaySink extends Sink<RelayPacket> {
    /** Called on the relay's loop after a burst in which this sink may have written. */
    protected abstract void flush();

    /**
     * Called once on the relay's loop when the sink is attached, after it was given the join
     * cache's replay (the packets since the last keyframe, all at once). A sink may spread it
     * out (UDP) instead of sending it as one burst; by default it is flushed like any burst.
     */
    protected void flushReplay() {
        flush();
    }
}
