package com.pandaproxy.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClientCommandTest {
    private static ClientCommand parse(String s) throws IOException {
        return ClientCommand.parse(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pushallAndGetVersionAreRecognisedWithTheirSequenceIds() throws IOException {
        ClientCommand pushall = parse("{'pushing':{'sequence_id':'1','command':'pushall','version':1,'push_target':1}}");
        assertEquals(ClientCommand.Type.PUSHALL, pushall.type());
        assertEquals("1", pushall.sequenceId().asText());
        ClientCommand version = parse("{'info':{'sequence_id':2,'command':'get_version'}}");
        assertEquals(ClientCommand.Type.GET_VERSION, version.type());
        assertEquals(2, version.sequenceId().asInt());
        assertNull(parse("{'pushing':{'command':'pushall'}}").sequenceId());
    }

    @Test
    void everythingElseIsForwarded() throws IOException {
        assertEquals(ClientCommand.Type.OTHER, parse("{'print':{'sequence_id':'3','command':'stop','param':''}}").type());
        assertEquals(ClientCommand.Type.OTHER, parse("{'pushing':{'command':'start'}}").type());
        assertEquals(ClientCommand.Type.OTHER, parse("{'pushing':'pushall'}").type());
        assertEquals(ClientCommand.Type.OTHER, parse("{}").type());
    }

    @Test
    void whatIsNotOneJsonObjectIsRefused() {
        for (String bad : new String[] {"", "pushall", "[]", "\"x\"", "{'a':1}{'b':2}", "{'a':", "{'a':1} x"}) {
            assertThrows(IOException.class, () -> parse(bad), bad);
        }
        assertThrows(IOException.class, () -> parse("{'a':".repeat(100) + "1" + "}".repeat(100)));
        assertThrows(IOException.class, () -> ClientCommand.parse(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'}));
    }
}
