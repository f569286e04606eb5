package com.pandaproxy.chamber;

import io.netty.handler.codec.DecoderException;

/** Bytes that do not follow the chamber-image protocol. Messages never contain an access code. */
public final class ChamberProtocolException extends DecoderException {
    public ChamberProtocolException(String message) {
        super(message);
    }
}
