package com.pandaproxy.chamber;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The 80-byte login a chamber-image client sends after TLS, little-endian:
 * u32 0x40, u32 0x3000, u32 0, u32 0, the user name NUL-padded to 32 bytes, the access code
 * NUL-padded to 32 bytes. The code is kept only as its padded field and never printed.
 */
public final class AuthPacket {
    public static final int LENGTH = 80;
    static final int MAGIC = 0x40;
    static final int COMMAND = 0x3000;
    static final int FIELD = 32;
    private static final int USER_OFFSET = 16;
    private static final int CODE_OFFSET = USER_OFFSET + FIELD;

    private final String username;
    private final byte[] codeField;

    private AuthPacket(String username, byte[] codeField) {
        this.username = username;
        this.codeField = codeField;
    }

    /** The login bytes for {@code username} and {@code accessCode} (each at most 32 ASCII bytes). */
    public static byte[] encode(String username, String accessCode) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(COMMAND).putInt(0).putInt(0);
        b.put(field(username)).put(field(accessCode));
        return b.array();
    }

    /** A text NUL-padded to the 32-byte field, as sent on the wire. */
    public static byte[] field(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > FIELD) {
            throw new IllegalArgumentException("field longer than 32 bytes");
        }
        byte[] f = new byte[FIELD];
        System.arraycopy(bytes, 0, f, 0, bytes.length);
        return f;
    }

    /** Parses a login; the magic and command must match and the user name must be NUL-padded ASCII. */
    public static AuthPacket decode(byte[] packet) {
        if (packet.length != LENGTH) {
            throw new ChamberProtocolException("login is " + packet.length + " bytes, expected " + LENGTH);
        }
        ByteBuffer b = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        int command = b.getInt(4);
        if (magic != MAGIC || command != COMMAND) {
            throw new ChamberProtocolException(String.format("not a login (magic 0x%x, command 0x%x)", magic, command));
        }
        byte[] user = new byte[FIELD];
        System.arraycopy(packet, USER_OFFSET, user, 0, FIELD);
        byte[] code = new byte[FIELD];
        System.arraycopy(packet, CODE_OFFSET, code, 0, FIELD);
        return new AuthPacket(text(user), code);
    }

    /** The user name up to its NUL padding. */
    public String username() {
        return username;
    }

    /** Whether the code equals {@code expectedField} (see {@link #field}), in constant time. */
    public boolean codeMatches(byte[] expectedField) {
        return MessageDigest.isEqual(codeField, expectedField);
    }

    /** Whether user and code are right; both compared before answering, the code in constant time. */
    public boolean accepts(String expectedUser, byte[] expectedCodeField) {
        boolean code = codeMatches(expectedCodeField);
        return code & expectedUser.equals(username);
    }

    private static String text(byte[] field) {
        int end = 0;
        while (end < field.length && field[end] != 0) {
            end++;
        }
        for (int i = end; i < field.length; i++) {
            if (field[i] != 0) {
                throw new ChamberProtocolException("login user name is not NUL-padded");
            }
        }
        for (int i = 0; i < end; i++) {
            if (field[i] < 0x20 || field[i] > 0x7e) {
                throw new ChamberProtocolException("login user name is not printable ASCII");
            }
        }
        return new String(field, 0, end, StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "AuthPacket[user=" + username + ", code=********]";
    }
}
