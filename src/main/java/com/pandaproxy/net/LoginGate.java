package com.pandaproxy.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way in for clients of one listening port that log in with the access code: bounds the
 * logins in progress, closes connections that do not log in in time, and slows down guessing.
 * Every protocol uses it the same way, in three places:
 * <pre>{@code
 * LoginGate gate = new LoginGate("MQTT", context.authThrottle(), Duration.ofSeconds(10)); // one per port
 *
 * // in the ChannelInitializer: the login first, before TLS
 * LoginGate.Login login = gate.newLogin();
 * ch.pipeline().addLast("login", login).addLast("tls", tls).addLast("mqtt", new MqttSession(login));
 *
 * // where the protocol has checked the credentials (on the channel's event loop)
 * if (right) { login.passed(); serve(); } else { login.failed(() -> { answer "refused"; close(); }); }
 * }</pre>
 * <ul>
 *   <li><b>Logins in progress</b> (TLS, then the credentials) are bounded: {@link #MAX_PENDING} at
 *       once, {@link #MAX_PENDING_PER_ADDRESS} from one address, so a flood of idle or half-open
 *       connections cannot take all the work, nor one address all of it. A connection over the
 *       bound is not closed but waits its turn without being read (no TLS, no bytes), within its
 *       time limit: after a restart, a host that reconnects 100 clients at once gets them all in.
 *       Freed slots go to the waiting addresses in turn, so a flood from one address does not hold
 *       up another. The waiting room is bounded too ({@link #MAX_WAITING},
 *       {@link #MAX_WAITING_PER_ADDRESS}); past that a connection is closed at once.</li>
 *   <li><b>Time limit</b>: a connection that has not passed {@code limit} after it was accepted
 *       (waiting included) is closed with one log line.</li>
 *   <li><b>Wrong credentials</b> ({@link Login#failed}): the {@link AuthThrottle}, shared by all
 *       ports, holds the refusal back once an address has failed repeatedly; the connection keeps
 *       its login slot meanwhile, so one address tries at most {@link #MAX_PENDING_PER_ADDRESS}
 *       codes per hold. Right credentials ({@link Login#passed}) are never held back: a
 *       misconfigured tool does not lock out the right clients of its host.</li>
 * </ul>
 * How many authenticated clients a port serves (--max-clients) is the protocol's own business.
 * Thread-safe; channels live on several event loops.
 */
public final class LoginGate {
    private static final Logger LOG = LoggerFactory.getLogger(LoginGate.class);
    /** Logins in progress at once, over all addresses. */
    public static final int MAX_PENDING = 32;
    /** Logins in progress at once from one address. */
    public static final int MAX_PENDING_PER_ADDRESS = 8;
    /** Connections waiting for a login slot, over all addresses. */
    public static final int MAX_WAITING = 512;
    /** Connections waiting for a login slot from one address. */
    public static final int MAX_WAITING_PER_ADDRESS = 128;

    private enum State { NEW, WAITING, PENDING, DONE }

    private final String protocol;
    private final AuthThrottle throttle;
    private final long limitMillis;
    private final int maxPending;
    private final int maxPendingPerAddress;
    private final int maxWaiting;
    private final int maxWaitingPerAddress;

    // guarded by this
    private final Map<InetAddress, Integer> pendingByAddress = new HashMap<>();
    private int pending;
    /** Waiting connections per address; the addresses in the order of their next turn. */
    private final LinkedHashMap<InetAddress, ArrayDeque<Login>> waiting = new LinkedHashMap<>();
    private int waitingCount;
    private boolean full;

    /** @param protocol the clients' name in log lines ("Chamber", "RTSP") */
    public LoginGate(String protocol, AuthThrottle throttle, Duration limit) {
        this(protocol, throttle, limit, MAX_PENDING, MAX_PENDING_PER_ADDRESS, MAX_WAITING, MAX_WAITING_PER_ADDRESS);
    }

    LoginGate(String protocol, AuthThrottle throttle, Duration limit, int maxPending, int maxPendingPerAddress,
            int maxWaiting, int maxWaitingPerAddress) {
        this.protocol = protocol;
        this.throttle = throttle;
        this.limitMillis = limit.toMillis();
        this.maxPending = maxPending;
        this.maxPendingPerAddress = maxPendingPerAddress;
        this.maxWaiting = maxWaiting;
        this.maxWaitingPerAddress = maxWaitingPerAddress;
    }

    /** The handler for a new connection; the first in its pipeline. */
    public Login newLogin() {
        return new Login();
    }

    /** Logins in progress now (including refusals being held back). */
    public synchronized int pending() {
        return pending;
    }

    /** Connections waiting for a login slot now. */
    public synchronized int waiting() {
        return waitingCount;
    }

    private boolean mayStart(InetAddress address) {
        return pending < maxPending && pendingByAddress.getOrDefault(address, 0) < maxPendingPerAddress;
    }

    private void start(Login login) {
        login.state = State.PENDING;
        pending++;
        pendingByAddress.merge(login.address, 1, Integer::sum);
    }

    /** A new connection: starts its login, puts it in the waiting room, or returns false when that is full. */
    private synchronized boolean arrive(Login login) {
        if (mayStart(login.address)) {
            start(login);
            full = false;
            return true;
        }
        ArrayDeque<Login> queue = waiting.get(login.address);
        if (waitingCount >= maxWaiting || queue != null && queue.size() >= maxWaitingPerAddress) {
            if (!full) {
                full = true;
                LOG.warn("{} clients: too many connections waiting to log in; closing new ones until there is room", protocol);
            }
            return false;
        }
        full = false;
        waiting.computeIfAbsent(login.address, a -> new ArrayDeque<>()).add(login);
        waitingCount++;
        login.state = State.WAITING;
        return true;
    }

    /** The login is over (passed, or its connection is gone): frees its slot for the next waiting one. */
    private void leave(Login login) {
        List<Login> admitted = new ArrayList<>();
        synchronized (this) {
            if (login.state == State.WAITING) {
                ArrayDeque<Login> queue = waiting.get(login.address);
                queue.remove(login);
                if (queue.isEmpty()) {
                    waiting.remove(login.address);
                }
                waitingCount--;
            } else if (login.state == State.PENDING) {
                pending--;
                pendingByAddress.computeIfPresent(login.address, (a, n) -> n > 1 ? n - 1 : null);
                admitWaiting(admitted);
            }
            login.state = State.DONE;
        }
        for (Login next : admitted) {
            next.ctx.executor().execute(next::enter);
        }
    }

    /** Gives free slots to waiting connections, one address after the other. */
    private void admitWaiting(List<Login> admitted) {
        while (pending < maxPending && waitingCount > 0) {
            Login next = null;
            for (Iterator<Map.Entry<InetAddress, ArrayDeque<Login>>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<InetAddress, ArrayDeque<Login>> entry = it.next();
                if (mayStart(entry.getKey())) {
                    next = entry.getValue().poll();
                    it.remove();
                    if (!entry.getValue().isEmpty()) {
                        waiting.put(entry.getKey(), entry.getValue()); // its next turn after the others
                    }
                    break;
                }
            }
            if (next == null) {
                return; // only addresses at their own bound are waiting
            }
            waitingCount--;
            start(next);
            admitted.add(next);
        }
    }

    private static InetAddress addressOf(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress() : InetAddress.getLoopbackAddress();
    }

    /**
     * One connection's way in: the first handler of its pipeline. Until the connection has a
     * login slot it is not read and the handlers behind see no {@code channelActive}.
     */
    public final class Login extends ChannelInboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private InetAddress address;
        private State state = State.NEW; // guarded by the gate
        // the rest on the channel's event loop only
        private boolean entered;
        private boolean activeHeld;
        private boolean passed;
        private ScheduledFuture<?> deadline;

        private Login() {
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            Channel channel = ctx.channel();
            address = addressOf(channel);
            channel.config().setAutoRead(false);
            channel.closeFuture().addListener(f -> leave(this));
            armDeadline();
            if (!arrive(this)) {
                channel.close();
                return;
            }
            synchronized (LoginGate.this) {
                entered = state == State.PENDING;
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (entered) {
                ctx.fireChannelActive();
                ctx.channel().config().setAutoRead(true);
            } else {
                activeHeld = true; // passed on when a slot is free
            }
        }

        /** A login slot became free for this waiting connection. Event loop. */
        private void enter() {
            if (entered || !ctx.channel().isOpen()) {
                return;
            }
            entered = true;
            if (activeHeld) {
                ctx.fireChannelActive();
                ctx.channel().config().setAutoRead(true);
            }
        }

        private void armDeadline() {
            deadline = ctx.executor().schedule(this::tooLate, limitMillis, TimeUnit.MILLISECONDS);
        }

        private void tooLate() {
            if (!passed && ctx.channel().isOpen()) {
                LOG.info("{} client {} refused: no login within {} ms{}", protocol, peer(), limitMillis,
                        entered ? "" : " (waited for its turn all that time)");
                ctx.close();
            }
        }

        /** The client gave the right credentials: its login is over, at once. Event loop. */
        public void passed() {
            passed = true;
            deadline.cancel(false);
            leave(this);
        }

        /**
         * The client gave wrong credentials: runs {@code refusal} (answer, close) once the throttle's
         * hold for this address is over, at once for the first few failures. The connection keeps its
         * login slot meanwhile; if {@code refusal} leaves it open, it has a new time limit to log in.
         * Event loop.
         */
        public void failed(Runnable refusal) {
            long hold = throttle.delayMillis(address);
            throttle.failed(address);
            deadline.cancel(false);
            Runnable answer = () -> {
                if (ctx.channel().isActive()) {
                    refusal.run();
                    if (ctx.channel().isOpen() && !passed) {
                        armDeadline();
                    }
                }
            };
            if (hold <= 0) {
                answer.run();
            } else {
                ctx.executor().schedule(answer, hold, TimeUnit.MILLISECONDS);
            }
        }

        private String peer() {
            return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                    ? address.getHostAddress() + ":" + a.getPort() : String.valueOf(ctx.channel().remoteAddress());
        }
    }
}
