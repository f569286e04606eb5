package com.pandaproxy.printer;

import io.netty.buffer.ByteBuf;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * One camera protocol's side of detection, supplied by its package: pure bytes, {@link PortProbe}
 * does the talking.
 *
 * @param port        the printer's port for the protocol
 * @param request     what to send once TLS is up
 * @param judge       a result once enough of the answer is there, or null to wait for more bytes
 * @param silentClose the result when the printer takes the request and hangs up without a byte
 */
public record Probe(ToIntFunction<PrinterAddress> port, Function<PrinterAddress, byte[]> request,
                    Function<ByteBuf, ProbeResult> judge, ProbeResult silentClose) {
}
