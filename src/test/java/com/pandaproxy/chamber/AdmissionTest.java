package com.pandaproxy.chamber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static InetAddress address(int last) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    void loginsInProgressDoNotTakeClientSlots() throws Exception {
        Admission admission = new Admission(1, 4, 4);
        for (int i = 0; i < 3; i++) {
            assertNull(admission.startLogin(address(1)));
        }
        assertNull(admission.startLogin(address(2)), "three idle connections do not fill max-clients = 1");
        admission.endLogin(address(2));
        assertTrue(admission.join());
        assertEquals(1, admission.clients());
        assertEquals(3, admission.pending());
    }

    @Test
    void pendingLoginsAreBoundedInTotalAndPerAddress() throws Exception {
        Admission admission = new Admission(100, 5, 2);
        assertNull(admission.startLogin(address(1)));
        assertNull(admission.startLogin(address(1)));
        assertNotNull(admission.startLogin(address(1)), "per address");
        assertNull(admission.startLogin(address(2)));
        assertNull(admission.startLogin(address(2)));
        assertNull(admission.startLogin(address(3)));
        String refusal = admission.startLogin(address(4));
        assertNotNull(refusal, "in total");
        assertTrue(refusal.contains("5 logins"), refusal);
        admission.endLogin(address(1));
        assertNull(admission.startLogin(address(4)), "a slot freed by an ended login");
        assertEquals(5, admission.pending());
    }

    @Test
    void authenticatedClientsAreBoundedByMaxClients() throws Exception {
        Admission admission = new Admission(2, 8, 8);
        assertTrue(admission.join());
        assertTrue(admission.join());
        assertFalse(admission.join(), "a login that passes when all slots are taken");
        assertNotNull(admission.startLogin(address(1)), "full: refused before TLS");
        admission.leave();
        assertNull(admission.startLogin(address(1)));
        assertTrue(admission.join());
    }
}
