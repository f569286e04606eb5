package com.pandaproxy.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.net.BindException;

/** Opens a listening port; what goes wrong becomes one sentence naming the port and the option that sets it. */
public final class Listen {
    private Listen() {
    }

    /**
     * A server bootstrap as every client-facing port of the proxy has it: accepting on
     * {@code acceptor}, clients on {@code clients} (epoll or NIO as the groups are: {@link Transports}),
     * no Nagle delay (frames go out as they come), and {@code backlog} as each client's water marks (the fan-out drops for a client past them).
     */
    public static ServerBootstrap server(EventLoopGroup acceptor, EventLoopGroup clients, WriteBufferWaterMark backlog) {
        return new ServerBootstrap()
                .group(acceptor, clients)
                .channel(Transports.serverSocket(acceptor))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, backlog);
    }

    /**
     * Binds {@code bootstrap} to {@code host:port}.
     *
     * @param option the option that chose the port ({@code --chamber-port}), for the message
     * @throws IOException whose message says which port and what to do, never a bare "Address already in use"
     */
    public static Channel bind(AbstractBootstrap<?, ?> bootstrap, String host, int port, String option) throws IOException {
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (bound.isSuccess()) {
            return bound.channel();
        }
        Throwable cause = bound.cause();
        String reason = String.valueOf(cause.getMessage());
        String message;
        if (reason.contains("Address already in use")) {
            message = option + " " + port + " is in use by another program (on " + host
                    + "): stop that program or choose another port";
        } else if (reason.contains("Permission denied") && port < 1024) {
            message = option + " " + port + ": ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a port from 1024 up";
        } else if (reason.contains("Cannot assign requested address")) {
            message = "cannot listen on " + host + ":" + port + ": " + host + " is not an address of this machine (--bind)";
        } else {
            message = "cannot listen on " + host + ":" + port + " (" + option + "): " + reason;
        }
        throw cause instanceof BindException ? new BindException(message) : new IOException(message, cause);
    }
}
