package com.pandaproxy.printer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.function.Supplier;

/**
 * The detection probe's connection to the chamber-image port: TLS done, logged in, the first
 * frame on its way. Handed to the chamber proxy, so detecting costs the printer (which takes very
 * few viewers) no second connection, and clients get the frame already coming instead of waiting
 * for the next one. Whoever receives it either adopts it or closes it.
 */
public final class ChamberConnection {
    private final Channel channel;
    private final Supplier<ByteBuf> detach;

    ChamberConnection(Channel channel, Supplier<ByteBuf> detach) {
        this.channel = channel;
        this.detach = detach;
    }

    /** The event loop the connection lives on: its adopter must run there. */
    public EventLoop loop() {
        return channel.eventLoop();
    }

    public Channel channel() {
        return channel;
    }

    /**
     * On {@link #loop()}: removes the probe's handler (leaving the TLS handler, with reading
     * paused) and returns the bytes read after the login, now owned by the caller; null if the
     * connection has closed meanwhile.
     */
    public ByteBuf take() {
        assert loop().inEventLoop();
        return channel.isActive() ? detach.get() : null;
    }

    /** Not needed after all: hang up. */
    public void close() {
        channel.close();
    }
}
