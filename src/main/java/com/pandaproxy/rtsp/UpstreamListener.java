package com.pandaproxy.rtsp;

import io.netty.buffer.ByteBuf;

/**
 * What the upstream client (proxy → printer) tells the relay. The hand-off between the two halves
 * of the RTSP proxy.
 *
 * <p>Threading: every method is called on the one {@link io.netty.channel.EventLoop} given to
 * {@link RtspProxy.UpstreamFactory#create} (the upstream's channels are registered on it, so reads arrive
 * there), never concurrently, and must not block. The relay's fan-out runs on the same loop.
 *
 * <p>Order per upstream session: {@link #described} once, then {@link #packet}s, then
 * {@link #disconnected} once when that session ends for any reason (error, watchdog, TEARDOWN on
 * close). After a reconnect the order starts again with {@code described}.
 */
public interface UpstreamListener {
    /**
     * The printer's session description, after a successful DESCRIBE and before SETUP/PLAY.
     * Tracks are numbered by their position in {@code sdp.media()}. Control URLs are as the
     * printer wrote them; the relay writes its own.
     */
    void described(Sdp sdp);

    /**
     * One RTP or RTCP packet from the printer for track {@code track} (an index into the
     * described SDP's media, not an interleaved channel number; the upstream maps its
     * channels). {@code data} holds exactly one packet from its reader index (no interleaved
     * header). Ownership passes to the listener, which releases it.
     */
    void packet(int track, boolean rtcp, ByteBuf data);

    /** The upstream session ended; clients are kept and the upstream reconnects on its own. */
    void disconnected();
}
