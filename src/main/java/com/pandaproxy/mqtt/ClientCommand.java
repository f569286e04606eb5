package com.pandaproxy.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * A client's command, as far as the relay cares: {@code pushall} and {@code get_version} are answered
 * by the relay (with the client's own {@code sequence_id}); everything else goes to the printer as it is.
 *
 * @param sequenceId the command's {@code sequence_id} (any JSON value), or null
 */
record ClientCommand(Type type, JsonNode sequenceId) {
    enum Type {
        /** {@code {"pushing":{"command":"pushall",…}}}: the whole state. */
        PUSHALL,
        /** {@code {"info":{"command":"get_version",…}}}: the firmware versions. */
        GET_VERSION,
        /** Any other command: forwarded to the printer. */
        OTHER
    }

    /**
     * Reads a command payload.
     *
     * @throws IOException if it is not one JSON object (the printer's commands all are)
     */
    static ClientCommand parse(byte[] payload) throws IOException {
        ObjectNode json = Json.object(payload);
        if (json.get("pushing") instanceof ObjectNode pushing && "pushall".equals(pushing.path("command").asText(null))) {
            return new ClientCommand(Type.PUSHALL, pushing.get("sequence_id"));
        }
        if (json.get("info") instanceof ObjectNode info && "get_version".equals(info.path("command").asText(null))) {
            return new ClientCommand(Type.GET_VERSION, info.get("sequence_id"));
        }
        return new ClientCommand(Type.OTHER, null);
    }
}
