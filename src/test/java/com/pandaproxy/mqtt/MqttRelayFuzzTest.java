package com.pandaproxy.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pandaproxy.net.AuthThrottle;
import com.pandaproxy.net.LoginGate;
import com.pandaproxy.testutil.Fuzz;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT relay's parsers with fuzzed bytes: a client's command payloads, the printer's reports
 * (one state merged from many), topic filters, and a client's whole byte stream through Netty's
 * decoder and the relay's session. Their verdict on bad input is an IOException (commands), a
 * report kept as not JSON, false (filters), or one log line and a close (a client).
 */
class MqttRelayFuzzTest {
    private static final String SERIAL = "01P00A123456789";
    private static final String CODE = "12345678";
    /** How a log line starts: the time, then the level (testutil's logger format). */
    private static final java.util.regex.Pattern EVENT = java.util.regex.Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) \\S+ - ");
    private static final String REPORTS = Topics.report(SERIAL);
    private static final byte[] FULL = ("{\"print\":{\"command\":\"push_status\",\"msg\":0,\"sequence_id\":\"1\",\"mc_percent\":5,"
            + "\"ipcam\":{\"rtsp_url\":\"rtsps://192.168.1.50/streaming/live/1\"}}}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] CHANGE = "{\"print\":{\"command\":\"push_status\",\"msg\":1,\"mc_percent\":6}}"
            .getBytes(StandardCharsets.UTF_8);

    /** A client's command: one JSON object or an IOException; what the relay answers from it can be written. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void commandPayload(byte[] payload) {
        ClientCommand command;
        try {
            command = ClientCommand.parse(payload);
        } catch (IOException refused) {
            return; // the relay closes the client: not a JSON object
        }
        PrinterState state = new PrinterState();
        state.accept(FULL);
        state.accept("{\"info\":{\"command\":\"get_version\",\"module\":[]}}".getBytes(StandardCharsets.UTF_8));
        // the answers carry the client's sequence_id, whatever JSON it is
        for (ObjectNode answer : List.of(state.fullReport(command.sequenceId()), state.versionAnswer(command.sequenceId()))) {
            assertNotNull(readBack(PrinterState.bytes(answer)));
        }
    }

    /**
     * The printer's reports, one a line: each is taken (or kept as not JSON), and the merged state
     * stays a JSON object the relay's own parser reads back, no larger than what came in.
     */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void printerReports(byte[] reports) {
        PrinterState state = new PrinterState();
        long taken = 0;
        for (byte[] payload : lines(reports)) {
            taken += payload.length;
            PrinterState.Report report = state.accept(payload);
            assertEquals(report.kind() == PrinterState.Kind.NOT_JSON, report.json() == null);
            if (report.json() != null && CameraUrl.present(report.json())) {
                ObjectNode rewritten = CameraUrl.rewrite(report.json(), "fd00::1", 322);
                assertTrue(rewritten.path("print").path("ipcam").path("rtsp_url").asText().contains("://[fd00::1]:322"));
            }
            if (state.complete()) {
                byte[] full = PrinterState.bytes(state.fullReport(null));
                JsonNode back = readBack(full);
                assertEquals(0, back.path("print").path("msg").asInt(-1));
                // numbers may be written longer than they came (1e5 → 100000.0): a generous bound
                assertTrue(full.length <= 64 + 4 * taken, full.length + " bytes of state from " + taken + " bytes of reports");
            }
        }
    }

    /**
     * A topic filter and a topic name, on two lines: the filter is judged valid as MQTT 3.1.1 says,
     * and a valid one matches as a plain level-by-level reading of the spec does.
     */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void topicFilter(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String filter = newline < 0 ? text : text.substring(0, newline);
        String topic = newline < 0 ? REPORTS : text.substring(newline + 1);
        boolean valid = TopicFilter.valid(filter);
        assertEquals(referenceValid(filter), valid, filter);
        if (valid && !topic.isEmpty() && !topic.contains("+") && !topic.contains("#")) {
            assertEquals(referenceMatches(filter, topic), TopicFilter.matches(filter, topic), filter + " against " + topic);
        }
    }

    /**
     * A client's bytes (after TLS) through the relay's pipeline, its login gate, decoder, encoder and
     * session, with the printer's report coming in after each read (the printer itself is not
     * connected: commands are dropped). The session may refuse and close, with one log line; an
     * exception it did not expect (the line "MQTT relay: unexpected error …") is a finding, as is a buffer left unreleased.
     */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void clientStream(byte[] stream) {
        String log = Fuzz.logged(() -> {
            Fuzz.Decoding decoding = new Fuzz.Decoding(2L * MqttRelay.MAX_PACKET_BYTES, pipeline -> {
                Hub hub = new Hub(pipeline.channel().eventLoop(), SERIAL, 4, 322, TimeUnit.MINUTES.toNanos(5), System::nanoTime, () -> { });
                LoginGate gate = new LoginGate("MQTT", new AuthThrottle(), MqttRelaySettings.LOGIN_LIMIT);
                pipeline.addLast("printer", new ChannelInboundHandlerAdapter() {
                    private boolean full;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.fireChannelRead(msg);
                        hub.report(REPORTS, Unpooled.wrappedBuffer(full ? CHANGE : FULL));
                        full = true;
                    }
                });
                LoginGate.Login login = gate.newLogin();
                pipeline.addLast("login", login)
                        .addLast("decoder", new MqttDecoder(MqttRelay.MAX_PACKET_BYTES))
                        .addLast("encoder", MqttEncoder.INSTANCE)
                        .addLast("session", new ClientSession(hub, ClientSession.codeBytes(CODE), login));
            });
            decoding.feed(stream, msg -> {
                throw new AssertionError("the session passed on " + msg);
            });
        });
        // a line of its own for each event (a client's text cannot start one), and no exception it did not expect
        // (Jazzer itself prints "INFO: Instrumented …" to the same stream when fuzzing loads a class)
        assertTrue(log.lines().filter(line -> !line.startsWith("INFO: ") && !line.startsWith("WARN: "))
                .allMatch(line -> EVENT.matcher(line).lookingAt()), log);
        assertFalse(log.lines().anyMatch(line -> line.replaceFirst("^" + EVENT.pattern(), "").startsWith("MQTT relay: unexpected error")), log);
    }

    private static JsonNode readBack(byte[] json) {
        try {
            return Json.object(json);
        } catch (IOException e) {
            throw new AssertionError("the relay wrote JSON it cannot read back: " + e.getMessage(), e);
        }
    }

    private static List<byte[]> lines(byte[] input) {
        List<byte[]> lines = new ArrayList<>();
        for (int from = 0, i = 0; i <= input.length; i++) {
            if (i == input.length || input[i] == '\n') {
                lines.add(Arrays.copyOfRange(input, from, i));
                from = i + 1;
            }
        }
        return lines;
    }

    /** MQTT 3.1.1, 4.7.1 and 4.7.3, read literally. */
    private static boolean referenceValid(String filter) {
        if (filter.isEmpty() || filter.length() > TopicFilter.MAX_LENGTH || filter.contains("\0")) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return false;
            }
            if (level.contains("+") && !level.equals("+")) {
                return false;
            }
        }
        return true;
    }

    /** MQTT 3.1.1, 4.7.1 and 4.7.2, read literally. */
    private static boolean referenceMatches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("#") || filter.startsWith("+"))) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true; // the rest, the parent level included
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
