package com.pandaproxy.fanout;

import java.util.List;

/**
 * What a newly joined client gets at once, before live units: the last JPEG, or the H.264
 * parameter sets and the packets since the last keyframe. Used only on the fan-out's executor.
 */
public interface JoinCache<U> {
    /** Sees every published unit; retains what it keeps. */
    void record(U unit, boolean syncPoint);

    /** The units to replay to a joining client, in order; the first must be a sync point. Not retained. */
    List<U> replay();

    /** Drops (releases) everything, e.g. when the upstream's stream parameters change. */
    void clear();
}
