package com.pandaproxy.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The gate with in-memory channels: bounds, turns, time limit and held refusals, on a virtual clock. */
class LoginGateTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    /** A connection from {@code 10.0.0.<host>}; {@link #active} tells whether the protocol behind the gate saw it start. */
    private static final class Peer extends EmbeddedChannel {
        final LoginGate.Login login;
        boolean active;
        private final SocketAddress remote;
        private final MockTicker clock;

        Peer(LoginGate gate, int host) throws Exception {
            this(gate, host, Ticker.newMockTicker());
        }

        private Peer(LoginGate gate, int host, MockTicker clock) throws Exception {
            super(EmbeddedChannel.builder().register(false).ticker(clock));
            this.clock = clock;
            this.remote = new InetSocketAddress(address(host), 40000 + host);
            this.login = gate.newLogin();
            pipeline().addLast(login, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    active = true;
                }
            });
            register();
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }

        /** Runs what other channels handed to this one's loop (a freed slot). */
        Peer tick() {
            runPendingTasks();
            return this;
        }

        void later(long millis) {
            clock.advanceMillis(millis);
            runScheduledPendingTasks();
        }
    }

    private static InetAddress address(int host) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) host});
    }

    private static LoginGate gate(int maxPending, int perAddress, int maxWaiting, int waitingPerAddress) {
        return new LoginGate("Test", new AuthThrottle(), LIMIT, maxPending, perAddress, maxWaiting, waitingPerAddress);
    }

    @Test
    void overTheBoundAConnectionWaitsUnreadAndGoesOnWhenASlotIsFree() throws Exception {
        LoginGate gate = gate(4, 2, 16, 8);
        Peer a = new Peer(gate, 1);
        Peer b = new Peer(gate, 1);
        Peer c = new Peer(gate, 1);
        assertTrue(a.active && b.active && a.config().isAutoRead());
        assertFalse(c.active, "the address's third login waits");
        assertFalse(c.config().isAutoRead(), "and is not read meanwhile");
        assertTrue(c.isOpen());
        assertEquals(2, gate.pending());
        assertEquals(1, gate.waiting());
        a.login.passed();
        c.tick();
        assertTrue(c.active && c.config().isAutoRead(), "a login that passed hands its slot on");
        b.close();
        assertEquals(1, gate.pending());
        assertEquals(0, gate.waiting());
    }

    @Test
    void freedSlotsGoToTheWaitingAddressesInTurn() throws Exception {
        LoginGate gate = gate(2, 2, 64, 32);
        List<Peer> holders = List.of(new Peer(gate, 1), new Peer(gate, 1));
        List<Peer> flood = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            flood.add(new Peer(gate, 1));
        }
        Peer other = new Peer(gate, 2);
        assertFalse(other.active);
        holders.get(0).close();
        flood.forEach(Peer::tick);
        other.tick();
        assertTrue(flood.get(0).active, "the first waiting connection of the address that waited first");
        holders.get(1).close();
        other.tick();
        assertTrue(other.active, "then the other address, not the rest of the flood");
        assertEquals(1, flood.stream().filter(p -> p.active).count());
    }

    @Test
    void aFullWaitingRoomClosesNewConnectionsAtOnce() throws Exception {
        LoginGate gate = gate(1, 1, 3, 2);
        new Peer(gate, 1);
        new Peer(gate, 1);
        new Peer(gate, 1);
        assertFalse(new Peer(gate, 1).isOpen(), "over the address's share of the waiting room");
        new Peer(gate, 2);
        assertFalse(new Peer(gate, 3).isOpen(), "over the whole waiting room");
        assertEquals(3, gate.waiting());
    }

    @Test
    void aConnectionThatDoesNotLogInInTimeIsClosedWaitingOrNot() throws Exception {
        LoginGate gate = gate(1, 1, 8, 8);
        Peer pending = new Peer(gate, 1);
        Peer waiting = new Peer(gate, 1);
        pending.later(LIMIT.toMillis() - 1);
        assertTrue(pending.isOpen());
        pending.later(1);
        assertFalse(pending.isOpen());
        waiting.tick();
        assertTrue(waiting.active, "got the slot of the one that ran out of time");
        waiting.later(LIMIT.toMillis());
        assertFalse(waiting.isOpen(), "its waiting counted against its time");
        assertEquals(0, gate.pending() + gate.waiting());
    }

    @Test
    void aLoginThatPassedIsNotClosedByTheTimeLimit() throws Exception {
        LoginGate gate = gate(4, 4, 8, 8);
        Peer p = new Peer(gate, 1);
        p.login.passed();
        p.later(LIMIT.toMillis() * 2);
        assertTrue(p.isOpen());
        assertEquals(0, gate.pending());
    }

    @Test
    void wrongCredentialsAreAnsweredLateOnceTheAddressFailedOftenAndRightOnesAtOnce() throws Exception {
        AuthThrottle throttle = new AuthThrottle();
        LoginGate gate = new LoginGate("Test", throttle, LIMIT);
        for (int i = 0; i < AuthThrottle.FREE_FAILURES; i++) {
            Peer p = new Peer(gate, 1);
            AtomicInteger refused = new AtomicInteger();
            p.login.failed(() -> {
                refused.incrementAndGet();
                p.close();
            });
            assertEquals(1, refused.get(), "the first failures are answered at once");
        }
        for (int i = 0; i < 5; i++) {
            throttle.failed(address(1)); // ten failures in all: the next wrong answer is held 30 s
        }
        Peer wrong = new Peer(gate, 1);
        AtomicInteger refused = new AtomicInteger();
        wrong.login.failed(() -> {
            refused.incrementAndGet();
            wrong.close();
        });
        assertEquals(0, refused.get());
        Peer right = new Peer(gate, 1);
        right.login.passed(); // nothing to wait for: passed() returns and the protocol serves at once
        assertEquals(1, gate.pending(), "the held refusal keeps its slot");
        wrong.later(LIMIT.toMillis() + 1);
        assertEquals(0, refused.get(), "held past the login time limit: the hold is the limit now");
        assertTrue(wrong.isOpen());
        wrong.later(AuthThrottle.MAX_DELAY_MILLIS);
        assertEquals(1, refused.get());
        assertEquals(0, gate.pending());
    }

    @Test
    void aRefusalThatLeavesTheConnectionOpenGivesItANewTimeLimit() throws Exception {
        LoginGate gate = gate(4, 4, 8, 8);
        Peer p = new Peer(gate, 1);
        p.later(LIMIT.toMillis() - 100);
        p.login.failed(() -> { }); // e.g. RTSP: 401, and the client may try again
        p.later(LIMIT.toMillis() - 1);
        assertTrue(p.isOpen());
        p.later(1);
        assertFalse(p.isOpen());
    }
}
