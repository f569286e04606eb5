package com.pandaproxy.testutil;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, newest first, after each test (also when it failed):
 * {@code @RegisterExtension final Closer closer = new Closer();} then {@code closer.add(x)}.
 */
public final class Closer implements AfterEachCallback {
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    public <T extends AutoCloseable> T add(T resource) {
        open.add(0, resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
