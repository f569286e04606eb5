package com.pandaproxy.mqtt;

/** The printer's two topics: it publishes on {@code device/<serial>/report}, takes commands on {@code device/<serial>/request}. */
final class Topics {
    private Topics() {
    }

    static String report(String serial) {
        return "device/" + serial + "/report";
    }

    static String request(String serial) {
        return "device/" + serial + "/request";
    }

    /** The serial number in a report topic, or null if {@code topic} is not one. */
    static String serialOfReport(String topic) {
        return serialOf(topic, "/report");
    }

    /** The serial number in a request topic, or null if {@code topic} is not one. */
    static String serialOfRequest(String topic) {
        return serialOf(topic, "/request");
    }

    private static String serialOf(String topic, String suffix) {
        if (!topic.startsWith("device/") || !topic.endsWith(suffix)) {
            return null;
        }
        String serial = topic.substring("device/".length(), topic.length() - suffix.length());
        return serial.isEmpty() || serial.contains("/") || serial.contains("+") || serial.contains("#") ? null : serial;
    }
}
