package com.pandaproxy.chamber;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AuthPacketTest {
    private static final HexFormat HEX = HexFormat.of();
    /** What a Home Assistant client sends for user bblp and code 12345678. */
    private static final byte[] WIRE = HEX.parseHex(
            "40000000" + "00300000" + "00000000" + "00000000"
            + "62626c70" + "00".repeat(28)
            + "3132333435363738" + "00".repeat(24));

    @Test
    void encodesTheWireBytes() {
        assertArrayEquals(WIRE, AuthPacket.encode("bblp", "12345678"));
    }

    @Test
    void decodesAndChecksUserAndCode() {
        AuthPacket login = AuthPacket.decode(WIRE);
        assertEquals("bblp", login.username());
        assertTrue(login.accepts("bblp", AuthPacket.field("12345678")));
        assertFalse(login.accepts("bblp", AuthPacket.field("12345679")));
        assertFalse(login.accepts("bblp", AuthPacket.field("1234567")));
        assertFalse(login.accepts("root", AuthPacket.field("12345678")));
    }

    @Test
    void codeOfFullLengthAndLongerInputs() {
        String code = "abcdefghijklmnopqrstuvwxyz012345";
        assertTrue(AuthPacket.decode(AuthPacket.encode("bblp", code)).accepts("bblp", AuthPacket.field(code)));
        assertThrows(IllegalArgumentException.class, () -> AuthPacket.field(code + "6"));
    }

    @Test
    void rejectsTruncatedAndOverlongPackets() {
        assertThrows(ChamberProtocolException.class, () -> AuthPacket.decode(Arrays.copyOf(WIRE, 79)));
        assertThrows(ChamberProtocolException.class, () -> AuthPacket.decode(new byte[0]));
        assertThrows(ChamberProtocolException.class, () -> AuthPacket.decode(Arrays.copyOf(WIRE, 81)));
    }

    @Test
    void rejectsWrongMagicOrCommand() {
        byte[] magic = WIRE.clone();
        magic[0] = 0x41;
        assertThrows(ChamberProtocolException.class, () -> AuthPacket.decode(magic));
        byte[] command = WIRE.clone();
        command[5] = 0x31;
        assertThrows(ChamberProtocolException.class, () -> AuthPacket.decode(command));
    }

    @Test
    void rejectsUserNameWithGarbageAfterPaddingOrControlBytes() {
        byte[] garbage = WIRE.clone();
        garbage[16 + 10] = 'x';
        assertThrows(ChamberProtocolException.class, () -> AuthPacket.decode(garbage));
        byte[] control = WIRE.clone();
        control[16] = 0x07;
        assertThrows(ChamberProtocolException.class, () -> AuthPacket.decode(control));
    }

    @Test
    void codeWithGarbageAfterPaddingDoesNotMatch() {
        byte[] packet = WIRE.clone();
        packet[48 + 20] = 'x';
        assertFalse(AuthPacket.decode(packet).accepts("bblp", AuthPacket.field("12345678")));
    }

    @Test
    void neverPrintsTheCode() {
        assertFalse(AuthPacket.decode(WIRE).toString().contains("12345678"));
    }
}
