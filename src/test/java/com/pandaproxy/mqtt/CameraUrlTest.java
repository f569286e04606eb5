package com.pandaproxy.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CameraUrlTest {
    private static ObjectNode report(String url) throws IOException {
        return Json.object(("{\"print\":{\"command\":\"push_status\",\"ipcam\":{\"ipcam_dev\":\"1\",\"rtsp_url\":" + url + "}}}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rtspUrlsPointAtTheProxyAfterwards() throws IOException {
        ObjectNode original = report("\"rtsps://192.168.1.20/streaming/live/1\"");
        assertTrue(CameraUrl.present(original));
        ObjectNode rewritten = CameraUrl.rewrite(original, "192.168.1.5", 322);
        assertEquals("rtsps://192.168.1.5:322/streaming/live/1", rewritten.at("/print/ipcam/rtsp_url").asText());
        assertEquals("1", rewritten.at("/print/ipcam/ipcam_dev").asText());
        assertEquals("rtsps://192.168.1.20/streaming/live/1", original.at("/print/ipcam/rtsp_url").asText(), "the original is untouched");
        assertEquals("rtsp://[fd00::5]:8554/streaming/live/1", CameraUrl.rewrite("rtsp://[fd00::1]:322/streaming/live/1", "fd00::5", 8554));
        assertEquals("rtsps://h:322", CameraUrl.rewrite("rtsps://printer", "h", 322));
    }

    @Test
    void otherValuesAreLeftAlone() throws IOException {
        assertFalse(CameraUrl.present(report("\"disable\"")));
        assertFalse(CameraUrl.present(report("\"\"")));
        assertFalse(CameraUrl.present(report("1")));
        assertFalse(CameraUrl.present(report("null")));
        assertFalse(CameraUrl.present(Json.object("{\"print\":{\"command\":\"push_status\"}}".getBytes(StandardCharsets.UTF_8))));
    }
}
