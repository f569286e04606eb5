package com.pandaproxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.tls.PinStore.Pin;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinStoreTest {
    @TempDir
    Path dir;

    @Test
    void pinsPerAddressReadBackAndAFileAPersonCanRead() throws Exception {
        PinStore store = new PinStore(dir.resolve("sub"));
        assertNull(store.load("192.0.2.10"));
        assertEquals(-1, store.stamp());
        Pin v4 = new Pin("AB:CD:EF", "01P00A000000001", true);
        Pin v6 = new Pin("01:02", "odd = cn: \\\\ #!", false);
        store.save("192.0.2.10", v4);
        store.save("fe80::1%eth0", v6);
        assertEquals(v4, store.load("192.0.2.10"));
        assertEquals(v6, store.load("fe80::1%eth0"));
        assertTrue(store.stamp() > 0);
        String text = Files.readString(store.file());
        assertTrue(text.contains("\n192.0.2.10.sha256=AB:CD:EF\n"), text);
        assertTrue(text.startsWith("# PandaProxy: the printer certificates it trusts"), text);

        store.save("192.0.2.10", new Pin("11:22", "x", false));
        assertEquals(v6, store.load("fe80::1%eth0"), "other printers' lines are kept");
    }
}
