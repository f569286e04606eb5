package com.pandaproxy.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrinterStateTest {
    private static byte[] json(String s) {
        return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] FULL = json("{'print':{'command':'push_status','msg':0,'sequence_id':'7',"
            + "'gcode_state':'RUNNING','mc_percent':40,'nozzle_temper':219.5,"
            + "'ams':{'ams':[{'id':'0','tray':[{'id':'0'},{'id':'1'}]}],'tray_now':'0'},"
            + "'lights_report':[{'node':'chamber_light','mode':'on'}],'ipcam':{'rtsp_url':'disable'}}}");

    @Test
    void changesMergeIntoTheFullStateFieldByFieldAndArraysAreReplaced() {
        PrinterState state = new PrinterState();
        assertEquals(PrinterState.Kind.STATUS_CHANGE,
                state.accept(json("{'print':{'command':'push_status','msg':1,'mc_percent':39}}")).kind());
        assertFalse(state.complete(), "a change before any full report has nothing to merge into");
        assertNull(state.fullReport(null));

        assertEquals(PrinterState.Kind.FULL_STATUS, state.accept(FULL).kind());
        assertTrue(state.complete());
        state.accept(json("{'print':{'command':'push_status','msg':1,'sequence_id':'8','mc_percent':41,"
                + "'ams':{'tray_now':'1'},'lights_report':[{'node':'chamber_light','mode':'off'}]}}"));
        state.accept(json("{'print':{'command':'push_status','msg':1,'sequence_id':'9','ams':{'ams':[{'id':'0','tray':[]}]}}}"));

        JsonNode print = state.fullReport(null).get("print");
        assertEquals(41, print.get("mc_percent").asInt());
        assertEquals("RUNNING", print.get("gcode_state").asText(), "fields not in a change are kept");
        assertEquals(219.5, print.get("nozzle_temper").asDouble());
        assertEquals("1", print.path("ams").get("tray_now").asText(), "objects merge field by field");
        assertEquals(0, print.path("ams").get("ams").get(0).get("tray").size(), "arrays are replaced, not merged");
        assertEquals("off", print.get("lights_report").get(0).get("mode").asText());
        assertEquals(0, print.get("msg").asInt(), "served as a full report");
        assertEquals("push_status", print.get("command").asText());
        assertEquals("9", print.get("sequence_id").asText(), "the printer's last sequence id by default");
    }

    @Test
    void aFullReportReplacesTheState() {
        PrinterState state = new PrinterState();
        state.accept(FULL);
        state.accept(json("{'print':{'command':'push_status','msg':1,'stale':true}}"));
        state.accept(json("{'print':{'command':'push_status','msg':0,'gcode_state':'IDLE'}}"));
        JsonNode print = state.fullReport(null).get("print");
        assertEquals("IDLE", print.get("gcode_state").asText());
        assertFalse(print.has("stale"));
        assertFalse(print.has("mc_percent"));
    }

    @Test
    void aReportWithoutMsgIsFull() {
        PrinterState state = new PrinterState();
        state.accept(json("{'print':{'command':'push_status','gcode_state':'IDLE'}}"));
        assertTrue(state.complete(), "printers that always send everything mark no msg");
    }

    @Test
    void aClientsSequenceIdIsUsedAsItIs() {
        PrinterState state = new PrinterState();
        state.accept(FULL);
        assertEquals(new TextNode("abc"), state.fullReport(new TextNode("abc")).get("print").get("sequence_id"));
        assertEquals(new IntNode(12), state.fullReport(new IntNode(12)).get("print").get("sequence_id"));
    }

    @Test
    void commandAnswersAndLogLinesAreNotState() {
        PrinterState state = new PrinterState();
        state.accept(FULL);
        assertEquals(PrinterState.Kind.OTHER, state.accept(json("{'print':{'command':'pause','result':'success','sequence_id':'5'}}")).kind());
        assertEquals(PrinterState.Kind.OTHER, state.accept(json("{'mc_print':{'command':'push_info','param':'x'}}")).kind());
        JsonNode print = state.fullReport(null).get("print");
        assertFalse(print.has("result"));
        assertEquals("7", print.get("sequence_id").asText());
    }

    @Test
    void theVersionAnswerIsKeptAndServedWithTheAskersSequenceId() {
        PrinterState state = new PrinterState();
        assertNull(state.versionAnswer(new TextNode("1")));
        assertEquals(PrinterState.Kind.VERSION, state.accept(json(
                "{'info':{'command':'get_version','sequence_id':'100','module':[{'name':'ota','sw_ver':'01.08.00.00'}]}}")).kind());
        JsonNode info = state.versionAnswer(new TextNode("42")).get("info");
        assertEquals("42", info.get("sequence_id").asText());
        assertEquals("01.08.00.00", info.get("module").get(0).get("sw_ver").asText());
    }

    @Test
    void clearForgetsEverything() {
        PrinterState state = new PrinterState();
        state.accept(FULL);
        state.accept(json("{'info':{'command':'get_version','module':[]}}"));
        state.clear();
        assertFalse(state.complete());
        assertFalse(state.hasVersion());
    }

    @Test
    void whatIsNotAJsonObjectIsRelayedButNotKept() {
        PrinterState state = new PrinterState();
        assertEquals(PrinterState.Kind.NOT_JSON, state.accept(json("not json")).kind());
        assertEquals(PrinterState.Kind.NOT_JSON, state.accept(json("[1,2]")).kind());
        assertEquals(PrinterState.Kind.NOT_JSON, state.accept(json("{'a':1} trailing")).kind());
        assertEquals(PrinterState.Kind.NOT_JSON, state.accept(json("[".repeat(Json.MAX_DEPTH + 1))).kind());
        assertEquals(PrinterState.Kind.NOT_JSON, state.accept(new byte[0]).kind());
        assertEquals(PrinterState.Kind.NOT_JSON, state.accept(json("{'print':" + "{'a':".repeat(40) + "1" + "}".repeat(41) + "}")).kind(),
                "deeper than " + Json.MAX_DEPTH + " levels");
    }
}
