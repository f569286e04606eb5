package com.pandaproxy.web;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;

/**
 * What the web server needs from the configuration.
 *
 * @param bindAddress    where to listen
 * @param port           the HTTP port (0: any free one)
 * @param auth           the user name and password every path but /healthz asks for
 * @param ingressProxies addresses whose requests with an {@code X-Ingress-Path} header come through
 *                       Home Assistant's ingress (already authenticated); empty outside the add-on
 * @param maxViewers     MJPEG viewers served at once
 * @param chamberPort    the proxy's chamber-image port, for the URLs the page shows
 * @param rtspPort       the proxy's RTSP port, for the URLs the page shows
 * @param mqttPort       the MQTT relay's port, for the URLs the page shows, or 0 when the relay is off
 * @param requestTimeout how long a connection may take to send a whole request (also: to stay idle)
 */
public record WebSettings(String bindAddress, int port, BasicAuth auth, Set<InetAddress> ingressProxies, int maxViewers,
                          int chamberPort, int rtspPort, int mqttPort, Duration requestTimeout) {
    /** Home Assistant's Supervisor proxies ingress requests from this address. */
    public static final String HA_INGRESS_PROXY = "172.30.32.2";
    /** The HTTP port unless --http-port says otherwise: next to nothing a home server usually runs. */
    public static final int DEFAULT_PORT = 8765;
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    public WebSettings {
        ingressProxies = Set.copyOf(ingressProxies);
    }
}
