package com.pandaproxy.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The camera address in reports ({@code print.ipcam.rtsp_url}, X1/H2/P2 printers): rewritten to the
 * proxy's RTSP port at the address the client used to reach the proxy, so tools that take the
 * camera URL from MQTT watch through the proxy. Values that are not RTSP URLs ({@code "disable"}
 * on printers without RTSP) are left alone.
 */
final class CameraUrl {
    private CameraUrl() {
    }

    /** Whether the report holds an RTSP URL to rewrite. */
    static boolean present(ObjectNode report) {
        return rewritable(report.path("print").path("ipcam").path("rtsp_url"));
    }

    /** A copy of {@code report} whose RTSP URL names {@code host}:{@code port} instead of the printer. */
    static ObjectNode rewrite(ObjectNode report, String host, int port) {
        ObjectNode copy = report.deepCopy();
        ObjectNode ipcam = (ObjectNode) copy.path("print").path("ipcam");
        ipcam.put("rtsp_url", rewrite(ipcam.get("rtsp_url").asText(), host, port));
        return copy;
    }

    /** {@code rtsps://printer/streaming/live/1} → {@code rtsps://host:port/streaming/live/1}. */
    static String rewrite(String url, String host, int port) {
        int authority = url.indexOf("://") + 3;
        int path = url.indexOf('/', authority);
        String rest = path < 0 ? "" : url.substring(path);
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return url.substring(0, authority) + h + ":" + port + rest;
    }

    private static boolean rewritable(JsonNode value) {
        if (!value.isTextual()) {
            return false;
        }
        String url = value.asText().toLowerCase(Locale.ROOT);
        return url.startsWith("rtsp://") || url.startsWith("rtsps://");
    }
}
