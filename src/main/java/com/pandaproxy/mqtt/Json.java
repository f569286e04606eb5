package com.pandaproxy.mqtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** JSON of the printer's MQTT: reports and commands, parsed with bounded depth (input is untrusted). */
final class Json {
    /** Deeper than any report or command of the printer's (about 5 levels); deeper input is refused. */
    static final int MAX_DEPTH = 32;

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** The payload as a JSON object; anything else (not JSON, an array, trailing bytes) is an error. */
    static ObjectNode object(byte[] payload) throws IOException {
        JsonNode node;
        try {
            node = MAPPER.readTree(payload);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IOException("not a JSON object");
        }
        return object;
    }
}
