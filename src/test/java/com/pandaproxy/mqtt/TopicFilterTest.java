package com.pandaproxy.mqtt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicFilterTest {
    private static final String REPORT = "device/01P00A000000001/report";

    @Test
    void wildcardsMatchAsTheSpecSays() {
        assertTrue(TopicFilter.matches(REPORT, REPORT));
        assertTrue(TopicFilter.matches("#", REPORT));
        assertTrue(TopicFilter.matches("device/#", REPORT));
        assertTrue(TopicFilter.matches("device/+/report", REPORT));
        assertTrue(TopicFilter.matches("+/+/+", REPORT));
        assertTrue(TopicFilter.matches("device/01P00A000000001/#", REPORT));
        assertTrue(TopicFilter.matches("device/01P00A000000001/report/#", REPORT), "'#' also matches the parent level");
        assertFalse(TopicFilter.matches("device/+/request", REPORT));
        assertFalse(TopicFilter.matches("device/+", REPORT));
        assertFalse(TopicFilter.matches("device/+/report/+", REPORT));
        assertFalse(TopicFilter.matches("device/01P00A000000002/report", REPORT));
        assertFalse(TopicFilter.matches("Device/+/report", REPORT));
        assertFalse(TopicFilter.matches("+", REPORT));
        assertTrue(TopicFilter.matches("+/x", "/x"), "an empty level is a level");
        assertFalse(TopicFilter.matches("#", "$SYS/broker"));
        assertFalse(TopicFilter.matches("+/broker", "$SYS/broker"));
        assertTrue(TopicFilter.matches("$SYS/#", "$SYS/broker"));
    }

    @Test
    void malformedFiltersAreRecognised() {
        assertTrue(TopicFilter.valid("#"));
        assertTrue(TopicFilter.valid("device/+/report"));
        assertTrue(TopicFilter.valid("+"));
        assertTrue(TopicFilter.valid("/"));
        assertFalse(TopicFilter.valid(""));
        assertFalse(TopicFilter.valid("device/#/report"));
        assertFalse(TopicFilter.valid("device/a#"));
        assertFalse(TopicFilter.valid("device/a+/report"));
        assertFalse(TopicFilter.valid("a\0b"));
        assertFalse(TopicFilter.valid("a".repeat(TopicFilter.MAX_LENGTH + 1)));
    }
}
