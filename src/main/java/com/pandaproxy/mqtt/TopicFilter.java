package com.pandaproxy.mqtt;

/**
 * MQTT 3.1.1 topic filters (section 4.7): levels split by '/', '+' matches one level, '#' (last,
 * alone in its level) matches the rest including the parent level. Topics starting with '$' are
 * not matched by a leading wildcard.
 */
final class TopicFilter {
    /** Longest filter accepted (the spec allows 65535; the printer's topics are about 30 bytes). */
    static final int MAX_LENGTH = 1024;

    private TopicFilter() {
    }

    /** Whether {@code filter} is a well-formed topic filter. */
    static boolean valid(String filter) {
        if (filter == null || filter.isEmpty() || filter.length() > MAX_LENGTH || filter.indexOf('\0') >= 0) {
            return false;
        }
        int levelStart = 0;
        for (int i = 0; i <= filter.length(); i++) {
            if (i == filter.length() || filter.charAt(i) == '/') {
                String level = filter.substring(levelStart, i);
                if (level.contains("#") && (!level.equals("#") || i != filter.length())) {
                    return false;
                }
                if (level.contains("+") && !level.equals("+")) {
                    return false;
                }
                levelStart = i + 1;
            }
        }
        return true;
    }

    /** Whether the (valid) {@code filter} matches the topic name {@code topic} (no wildcards in it). */
    static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        int f = 0;
        int t = 0;
        while (true) {
            int fEnd = levelEnd(filter, f);
            String level = filter.substring(f, fEnd);
            if (level.equals("#")) {
                return true; // also matches the parent level: "a/#" matches "a"
            }
            int tEnd = levelEnd(topic, t);
            if (!level.equals("+") && !level.equals(topic.substring(t, tEnd))) {
                return false;
            }
            boolean filterDone = fEnd == filter.length();
            boolean topicDone = tEnd == topic.length();
            if (filterDone || topicDone) {
                if (filterDone && topicDone) {
                    return true;
                }
                // "a/#" against "a": the filter's next level must be a lone '#'
                return !filterDone && filter.substring(fEnd + 1).equals("#");
            }
            f = fEnd + 1;
            t = tEnd + 1;
        }
    }

    private static int levelEnd(String s, int from) {
        int slash = s.indexOf('/', from);
        return slash < 0 ? s.length() : slash;
    }
}
