package com.pandaproxy.testutil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free loopback TCP port, for programs that must be told a port before they start.
 *
 * <p>Ports come from below the kernel's ephemeral range (32768-60999 on Linux): a port from bind(0) was
 * free only at that moment, and the next bind(0) or outgoing connection of any test (a simulator, a
 * client) may be given it again before the program under test binds it. Each port is handed out once
 * per JVM.
 */
public final class FreePort {
    private static final int FIRST = 20000;
    private static final int END = 32768;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePort() {
    }

    public static int get() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, END);
            if (GIVEN.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + (END - 1));
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
