package com.pandaproxy.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The printer's state as the relay knows it, for clients that join late or ask for {@code pushall}:
 * the last full {@code push_status} report (the printer's answer to {@code pushall}) merged with every
 * later change report (objects merged field by field, arrays and values replaced), and the last
 * {@code get_version} answer. P1/A1 printers send only changed fields ({@code "msg": 1}); a full
 * report has {@code "msg": 0} (or no {@code msg}: printers that always send everything).
 * Pure: payload bytes in, payload bytes out. Used on the relay's event loop only.
 */
final class PrinterState {
    /** What one report from the printer is. */
    enum Kind {
        /** A full {@code push_status}: the state is now complete. */
        FULL_STATUS,
        /** Changed fields of a {@code push_status}. */
        STATUS_CHANGE,
        /** The answer to {@code get_version}. */
        VERSION,
        /** Anything else: a command's answer, a log line ({@code mc_print}), … */
        OTHER,
        /** Not a JSON object: relayed as it is, not remembered. */
        NOT_JSON
    }

    /** One parsed report: its kind, and its JSON (null for {@link Kind#NOT_JSON}); the tree is the caller's. */
    record Report(Kind kind, ObjectNode json) {
    }

    private ObjectNode status; // the merged "print" object, null until a full report came
    private ObjectNode version; // the last get_version answer's "info" object, or null

    /** Parses one report and merges it into the state. */
    Report accept(byte[] payload) {
        ObjectNode json;
        try {
            json = Json.object(payload);
        } catch (IOException e) {
            return new Report(Kind.NOT_JSON, null);
        }
        JsonNode print = json.get("print");
        if (print instanceof ObjectNode p && "push_status".equals(p.path("command").asText(null))) {
            if (p.path("msg").asInt(0) != 0) {
                if (status != null) {
                    merge(status, p);
                }
                return new Report(Kind.STATUS_CHANGE, json);
            }
            status = p.deepCopy();
            return new Report(Kind.FULL_STATUS, json);
        }
        JsonNode info = json.get("info");
        if (info instanceof ObjectNode i && "get_version".equals(i.path("command").asText(null))) {
            version = i.deepCopy();
            return new Report(Kind.VERSION, json);
        }
        return new Report(Kind.OTHER, json);
    }

    /** Whether a full report arrived since the state was last cleared. */
    boolean complete() {
        return status != null;
    }

    /** Whether a {@code get_version} answer is known. */
    boolean hasVersion() {
        return version != null;
    }

    /** Forgets everything (the printer is gone: what it said may no longer hold when it is back). */
    void clear() {
        status = null;
        version = null;
    }

    /** The complete state as one full report, {@code {"print":{…,"msg":0,"sequence_id":…}}}, or null if not complete. */
    ObjectNode fullReport(JsonNode sequenceId) {
        if (status == null) {
            return null;
        }
        ObjectNode print = status.deepCopy();
        print.put("command", "push_status");
        print.put("msg", 0);
        if (sequenceId != null) {
            print.set("sequence_id", sequenceId.deepCopy());
        }
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.set("print", print);
        return report;
    }

    /** The last {@code get_version} answer with {@code sequenceId}, or null if none is known. */
    ObjectNode versionAnswer(JsonNode sequenceId) {
        if (version == null) {
            return null;
        }
        ObjectNode info = version.deepCopy();
        if (sequenceId != null) {
            info.set("sequence_id", sequenceId.deepCopy());
        }
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.set("info", info);
        return report;
    }

    /** Objects merged field by field (recursively); arrays, values and nulls replace what was there. */
    static void merge(ObjectNode into, ObjectNode change) {
        for (Iterator<Map.Entry<String, JsonNode>> it = change.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode old = into.get(field.getKey());
            if (old instanceof ObjectNode o && field.getValue() instanceof ObjectNode c) {
                merge(o, c);
            } else {
                into.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    /** A report's bytes. */
    static byte[] bytes(ObjectNode report) {
        try {
            return Json.MAPPER.writeValueAsBytes(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a report", e);
        }
    }
}
