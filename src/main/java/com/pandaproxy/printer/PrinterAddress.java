package com.pandaproxy.printer;

import com.pandaproxy.net.Secret;

/**
 * The printer the proxy serves: what every connection to it needs. Built by {@code app} from the
 * configuration.
 *
 * @param host        its name or address (an IPv6 address with or without brackets)
 * @param chamberPort its chamber-image port ({@link Bambu#CHAMBER_PORT})
 * @param rtspPort    its RTSPS port ({@link Bambu#RTSP_PORT})
 * @param accessCode  its LAN access code, the password of every service ({@link Bambu#USER})
 */
public record PrinterAddress(String host, int chamberPort, int rtspPort, Secret accessCode) {
}
