package com.pandaproxy.ha;

import java.util.Locale;

/**
 * Every MQTT topic of one proxy instance. Own topics live under {@code <topic prefix>/<node id>/},
 * discovery configs under {@code <discovery prefix>/<component>/<node id>/<object id>/config}.
 */
public final class Topics {
    private final String discoveryPrefix;
    private final String nodeId;
    private final String base;

    public Topics(String discoveryPrefix, String topicPrefix, String nodeId) {
        this.discoveryPrefix = discoveryPrefix;
        this.nodeId = nodeId;
        this.base = topicPrefix + "/" + nodeId;
    }

    /**
     * A topic-safe id for this printer: the serial number when known (it survives address
     * changes), else the printer's address. Lower case; anything but letters, digits, '_'
     * and '-' becomes '_'.
     */
    public static String nodeId(String serial, String printerAddress) {
        String source = serial != null && !serial.isBlank() ? serial : printerAddress;
        String id = source == null ? "" : source.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
        if (id.length() > 64) {
            id = id.substring(0, 64);
        }
        return id.isEmpty() ? "printer" : id;
    }

    public String nodeId() {
        return nodeId;
    }

    /** MQTT client id: stable for this instance so the broker replaces a stale session of ours. */
    public String clientId() {
        return "pandaproxy-" + nodeId;
    }

    /** Retained {@code online}/{@code offline}; also the last will. */
    public String availability() {
        return base + "/availability";
    }

    /** State topic of one entity, e.g. {@code pandaproxy/<node>/clients}. */
    public String state(String objectId) {
        return base + "/" + objectId;
    }

    /** Where a button's presses arrive. */
    public String button(String objectId) {
        return base + "/" + objectId + "/press";
    }

    /** Plain-text {@code reconnect} or {@code redetect}, for automations and scripts. */
    public String command() {
        return base + "/command";
    }

    /** Latest JPEG for the camera entity (not retained). */
    public String snapshot() {
        return base + "/snapshot";
    }

    /** JSON attributes of the upstream state sensor (the last error). */
    public String upstreamAttributes() {
        return base + "/upstream_attributes";
    }

    /** Home Assistant's birth and last-will topic. */
    public String homeAssistantStatus() {
        return discoveryPrefix + "/status";
    }

    public String discovery(String component, String objectId) {
        return discoveryPrefix + "/" + component + "/" + nodeId + "/" + objectId + "/config";
    }

    public String uniqueId(String objectId) {
        return "pandaproxy_" + nodeId + "_" + objectId;
    }

    public String deviceId() {
        return "pandaproxy_" + nodeId;
    }
}
