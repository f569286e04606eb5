package com.pandaproxy.mqtt;

import com.pandaproxy.net.Backoff;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection to the printer's MQTT: connects at start, and again with backoff whenever it
 * ends. Watchdog: no report for {@link MqttRelaySettings.Timings#silence} while connected means a
 * {@code pushall} is asked for; nothing for as long again means the connection is made anew.
 * Everything runs on the hub's event loop.
 */
final class Upstream {
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    /** Largest packet taken from the printer (a full report is 5–20 KB). */
    static final int MAX_REPORT_BYTES = 1024 * 1024;
    static final int CONNECT_MILLIS = 5_000;

    private final MqttRelaySettings settings;
    private final SslContext tls;
    private final Hub hub;
    private final Backoff backoff;

    // confined to the loop
    private Channel channel;
    private PrinterLink link;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> watchdog;
    private long lastReportNanos;
    private long askedNanos;
    private boolean closed;
    private String lastFailure;

    Upstream(MqttRelaySettings settings, SslContext tls, Hub hub) {
        this.settings = settings;
        this.tls = tls;
        this.hub = hub;
        this.backoff = new Backoff(settings.timings().backoffMin().toMillis(), settings.timings().backoffMax().toMillis());
    }

    void start() {
        hub.loop().execute(this::connect);
    }

    /** Drops the connection and connects again at once. */
    void reconnect() {
        hub.loop().execute(() -> {
            if (closed) {
                return;
            }
            backoff.reset();
            if (link != null) {
                link.leave(); // its close connects again
            } else {
                cancelRetry();
                connect();
            }
        });
    }

    void close() {
        if (hub.loop().isShuttingDown()) {
            return;
        }
        hub.loop().submit(() -> {
            closed = true;
            cancelRetry();
            if (link != null) {
                link.leave();
            } else if (channel != null) {
                channel.close();
            }
        }).awaitUninterruptibly(500);
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    private void connect() {
        retry = null;
        if (closed) {
            return;
        }
        PrinterLink attempt = new PrinterLink(settings.accessCode(), hub.serial(), new PrinterLink.Listener() {
            @Override
            public void up(PrinterLink up) {
                backoff.reset();
                lastFailure = null;
                lastReportNanos = System.nanoTime();
                askedNanos = 0;
                hub.printerUp(up);
                LOG.info("Connected to the printer's MQTT at {}:{} (serial {})", settings.printerHost(), settings.printerPort(), up.serial());
            }

            @Override
            public void report(String topic, ByteBuf payload) {
                lastReportNanos = System.nanoTime();
                askedNanos = 0;
                hub.report(topic, payload);
            }

            @Override
            public void refused(String reason, boolean badCode) {
                fail(reason);
            }
        });
        link = null;
        Bootstrap bootstrap = new Bootstrap()
                .group(hub.loop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = tls.newHandler(ch.alloc(), settings.printerHost(), settings.printerPort());
                        ssl.setHandshakeTimeoutMillis(CONNECT_MILLIS);
                        ch.pipeline().addLast("tls", ssl)
                                .addLast("ping", new IdleStateHandler(0, 30, 0))
                                .addLast("decoder", new MqttDecoder(MAX_REPORT_BYTES))
                                .addLast("encoder", MqttEncoder.INSTANCE)
                                .addLast("link", attempt)
                                .addLast("errors", new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        fail(describe(cause));
                                    }
                                });
                    }
                });
        Channel ch = bootstrap.connect(settings.printerHost(), settings.printerPort()).addListener(f -> {
            if (!f.isSuccess()) {
                fail("cannot connect: " + describe(f.cause()));
            }
        }).channel();
        channel = ch;
        link = attempt;
        watchdog = hub.loop().scheduleAtFixedRate(this::watch, 1, 1, TimeUnit.SECONDS);
        ch.closeFuture().addListener(f -> ended(ch));
    }

    private void watch() {
        if (link == null || !link.up()) {
            return;
        }
        long silence = settings.timings().silence().toNanos();
        long now = System.nanoTime();
        if (askedNanos == 0 && now - lastReportNanos > silence) {
            LOG.info("No report from the printer for {} s: asking it for something", settings.timings().silence().toSeconds());
            askedNanos = now;
            hub.nudge();
        } else if (askedNanos != 0 && now - askedNanos > silence) {
            fail("sent nothing for " + 2 * settings.timings().silence().toSeconds() + " s, even when asked");
        }
    }

    private String pendingFailure;

    private void fail(String reason) {
        if (pendingFailure == null) {
            pendingFailure = reason;
        }
        if (channel != null) {
            channel.close();
        }
    }

    private void ended(Channel ch) {
        if (ch != channel) {
            return;
        }
        watchdog.cancel(false);
        boolean wasUp = link != null && hub.printerUp();
        link = null;
        channel = null;
        hub.printerDown();
        String reason = pendingFailure != null ? pendingFailure : wasUp ? "closed the connection" : "closed the connection before it was up";
        pendingFailure = null;
        if (closed) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        if (!reason.equals(lastFailure)) {
            LOG.warn("Printer MQTT at {}:{}: {}; trying again with backoff", settings.printerHost(), settings.printerPort(), reason);
            lastFailure = reason;
        } else {
            LOG.debug("Printer MQTT: {}; next attempt in {} ms", reason, delay);
        }
        retry = hub.loop().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private static String describe(Throwable cause) {
        Throwable root = cause.getCause() != null && !(cause instanceof NotSslRecordException) ? cause.getCause() : cause;
        if (root instanceof NotSslRecordException) {
            return "the printer did not answer with TLS";
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
