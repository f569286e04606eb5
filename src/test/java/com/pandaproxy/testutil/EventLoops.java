package com.pandaproxy.testutil;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Netty event loops shared by the tests of one class, started before the first and stopped after
 * the last: {@code @RegisterExtension static final EventLoops LOOPS = new EventLoops(2);}.
 */
public final class EventLoops implements BeforeAllCallback, AfterAllCallback {
    private final int threads;
    private EventLoopGroup group;

    public EventLoops(int threads) {
        this.threads = threads;
    }

    public EventLoopGroup group() {
        return group;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
