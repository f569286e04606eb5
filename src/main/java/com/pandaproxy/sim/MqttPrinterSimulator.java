package com.pandaproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pandaproxy.tls.ServerCertificate;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated P1-series printer's MQTT broker on loopback, for the demo and the tests: MQTT 3.1.1
 * over TLS with a certificate whose CN is the serial number, user {@code bblp} and the access code,
 * at most {@link Options#maxClients} clients at once (the next one is refused with "server
 * unavailable"). Like a P1 it answers {@code pushall} with the full state ({@code "msg": 0}) and
 * otherwise publishes only changed fields ({@code "msg": 1}), every second while its simulated
 * print runs. It answers {@code get_version}, acknowledges other commands, and pause, resume,
 * stop, print speed and the chamber light change its state.
 */
public final class MqttPrinterSimulator implements SimulatedPrinter {
    private static final Logger LOG = LoggerFactory.getLogger(MqttPrinterSimulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The demo printer's serial number. */
    public static final String DEMO_SERIAL = SimulatedPrinter.DEMO_SERIAL;

    /**
     * @param serial       serial number: the certificate's CN and the topics' middle level
     * @param maxClients   clients at once (a P1 copes with very few)
     * @param tick         how often the simulated print progresses and changes are published
     * @param printing     whether a simulated print runs (0 → 100 % in {@code printLength}, then again)
     * @param printLength  how long one simulated print takes
     * @param rtspUrl      {@code ipcam.rtsp_url} in reports ("disable" on a P1; an X1 names its RTSPS stream)
     * @param commonName   the certificate's CN: the serial number, as on a BambuLab printer, or null for that
     */
    public record Options(String serial, int maxClients, Duration tick, boolean printing, Duration printLength, String rtspUrl,
            String commonName) {
        public static final Options DEFAULT = new Options(DEMO_SERIAL, 4, Duration.ofSeconds(1), true, Duration.ofMinutes(10), "disable",
                null);

        public Options withMaxClients(int n) {
            return new Options(serial, n, tick, printing, printLength, rtspUrl, commonName);
        }

        public Options withTick(Duration d) {
            return new Options(serial, maxClients, d, printing, printLength, rtspUrl, commonName);
        }

        public Options withPrinting(boolean p) {
            return new Options(serial, maxClients, tick, p, printLength, rtspUrl, commonName);
        }

        public Options withRtspUrl(String url) {
            return new Options(serial, maxClients, tick, printing, printLength, url, commonName);
        }

        public Options withSerial(String s) {
            return new Options(s, maxClients, tick, printing, printLength, rtspUrl, commonName);
        }

        public Options withCommonName(String cn) {
            return new Options(serial, maxClients, tick, printing, printLength, rtspUrl, cn);
        }
    }

    private final Options options;
    private final byte[] code;
    private final SslContext ssl;
    private final X509Certificate certificate;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final String reportTopic;
    private final String requestTopic;
    private final Print print;
    private final Set<Client> clients = new LinkedHashSet<>(); // logged in; on the loop
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger refusedFull = new AtomicInteger();
    private final AtomicInteger pushalls = new AtomicInteger();
    private final LoopbackServer server = new LoopbackServer(group, this::accepted);
    private volatile boolean silent;
    private long sequence = 100;

    private MqttPrinterSimulator(String accessCode, Options options, ServerCertificate identity) {
        this.options = options;
        this.code = accessCode.getBytes(StandardCharsets.UTF_8);
        this.ssl = LoopbackServer.tls(identity);
        this.certificate = identity.certificate();
        this.reportTopic = "device/" + options.serial() + "/report";
        this.requestTopic = "device/" + options.serial() + "/request";
        this.print = new Print(options);
    }

    /** Starts on loopback with the default options; {@code port} 0 picks a free port. */
    public static MqttPrinterSimulator start(int port, String accessCode) {
        return start(port, accessCode, Options.DEFAULT);
    }

    /** With a self-signed certificate of its own whose CN is the serial (or {@code options.commonName()}). */
    public static MqttPrinterSimulator start(int port, String accessCode, Options options) {
        return start(port, accessCode, options, ServerCertificate.create(
                options.commonName() == null ? options.serial() : options.commonName(), Set.of("localhost", "127.0.0.1")));
    }

    /**
     * Presenting {@code identity}: the demo's printer shows the same certificate on its camera and
     * MQTT ports, as a BambuLab printer does (the printer policy pins one per printer address).
     */
    public static MqttPrinterSimulator start(int port, String accessCode, Options options, ServerCertificate identity) {
        MqttPrinterSimulator sim = new MqttPrinterSimulator(accessCode, options, identity);
        sim.server.bind(port, sim);
        long tick = options.tick().toNanos();
        sim.loop.scheduleAtFixedRate(sim::tick, tick, tick, TimeUnit.NANOSECONDS);
        return sim;
    }

    private void accepted(SocketChannel ch) {
        connections.incrementAndGet();
        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new MqttDecoder(1024 * 1024), MqttEncoder.INSTANCE, new Client());
    }

    @Override
    public int port() {
        return server.port();
    }

    public String serial() {
        return options.serial();
    }

    /** Its TLS certificate (self-signed, CN = the serial number), for clients that must be told what to trust. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Successful logins so far. */
    public int logins() {
        return logins.get();
    }

    /** Logins refused because {@link Options#maxClients} clients were connected. */
    public int refusedFull() {
        return refusedFull.get();
    }

    /** {@code pushall} requests received so far. */
    public int pushalls() {
        return pushalls.get();
    }

    /** Clients logged in now. */
    public int clients() {
        return loop.submit(clients::size).syncUninterruptibly().getNow();
    }

    /** Every command payload received on the request topic, in arrival order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** Publishes {@code payload} as a report to every subscribed client, as it is. */
    public void publish(byte[] payload) {
        loop.execute(() -> broadcast(payload));
    }

    /** A printer that stops talking (no reports, no answers) but keeps its connections. */
    public void silent(boolean value) {
        silent = value;
    }

    /** A printer that stops reading from its clients (a busy printer): what they send stays in the network. */
    public void deaf(boolean value) {
        loop.submit(() -> {
            for (Client c : clients) {
                c.channel.config().setAutoRead(!value);
            }
        }).syncUninterruptibly();
    }

    /** Closes every client connection at once, as a printer dropping off the network does (no goodbye). */
    public void dropClients() {
        loop.submit(() -> {
            for (Client c : new ArrayList<>(clients)) {
                c.channel.close();
            }
        }).syncUninterruptibly();
    }

    /** Stops listening and drops every client, like a printer switched off; {@link #restart()} comes back on the same port. */
    public void stop() {
        server.stop();
    }

    /** Listens again on the same port after {@link #stop()}. */
    public void restart() {
        server.restart();
    }

    @Override
    public void close() {
        server.stop();
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(1000);
    }

    // ---- the simulated printer, on the loop

    private void tick() {
        if (silent) {
            return;
        }
        ObjectNode changes = print.advance();
        if (changes.size() > 0) {
            broadcast(report(changes, 1));
        }
    }

    private byte[] report(ObjectNode fields, int msg) {
        ObjectNode printNode = fields.deepCopy();
        printNode.put("command", "push_status");
        printNode.put("msg", msg);
        printNode.put("sequence_id", Long.toString(sequence++));
        ObjectNode report = JSON.createObjectNode();
        report.set("print", printNode);
        return bytes(report);
    }

    private void broadcast(byte[] payload) {
        for (Client c : clients) {
            c.send(payload);
        }
    }

    private void command(Client from, byte[] payload) {
        commands.add(new String(payload, StandardCharsets.UTF_8));
        if (silent) {
            return;
        }
        JsonNode json;
        try {
            json = JSON.readTree(payload);
        } catch (IOException e) {
            return; // a printer ignores what it cannot read
        }
        if (!(json instanceof ObjectNode request) || request.size() != 1) {
            return;
        }
        Map.Entry<String, JsonNode> only = request.fields().next();
        String type = only.getKey();
        JsonNode body = only.getValue();
        String command = body.path("command").asText("");
        JsonNode sequenceId = body.get("sequence_id");
        if (type.equals("pushing") && command.equals("pushall")) {
            pushalls.incrementAndGet();
            broadcast(report(print.state(), 0)); // published on the report topic: every subscriber sees it
            return;
        }
        if (type.equals("info") && command.equals("get_version")) {
            broadcast(bytes(version(sequenceId)));
            return;
        }
        ObjectNode changes = print.command(type, command, body);
        ObjectNode ack = JSON.createObjectNode();
        ObjectNode inner = ack.putObject(type);
        inner.put("command", command);
        if (sequenceId != null) {
            inner.set("sequence_id", sequenceId);
        }
        inner.put("result", changes == null ? "failed" : "success");
        if (body.has("param")) {
            inner.set("param", body.get("param"));
        }
        broadcast(bytes(ack));
        if (changes != null && changes.size() > 0) {
            broadcast(report(changes, 1));
        }
    }

    private ObjectNode version(JsonNode sequenceId) {
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode info = answer.putObject("info");
        info.put("command", "get_version");
        if (sequenceId != null) {
            info.set("sequence_id", sequenceId);
        }
        info.put("result", "success");
        var modules = info.putArray("module");
        modules.addObject().put("name", "ota").put("sw_ver", "01.08.00.00").put("hw_ver", "").put("sn", "");
        modules.addObject().put("name", "mc").put("sw_ver", "00.00.30.00").put("hw_ver", "MC02").put("sn", options.serial());
        modules.addObject().put("name", "ams/0").put("sw_ver", "00.00.07.89").put("hw_ver", "AMS08").put("sn", "00600A000000001");
        return answer;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One broker connection. */
    private final class Client extends ChannelInboundHandlerAdapter {
        Channel channel;
        final List<String> filters = new ArrayList<>();
        boolean loggedIn;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            channel.closeFuture().addListener(f -> clients.remove(this));
        }

        void send(byte[] payload) {
            if (filters.isEmpty() || !channel.isActive()) {
                return;
            }
            // the printer's topics have no wildcards: a filter matches if it is the topic, or ends in a wildcard level
            boolean matches = filters.stream().anyMatch(f -> f.equals(reportTopic) || f.equals("#")
                    || f.equals("device/+/report") || f.equals("device/#") || f.equals("device/" + options.serial() + "/#"));
            if (matches) {
                channel.writeAndFlush(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_MOST_ONCE, false, 0),
                        new MqttPublishVariableHeader(reportTopic, 0), Unpooled.wrappedBuffer(payload)));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                MqttMessage message = (MqttMessage) msg;
                if (message.decoderResult().isFailure()) {
                    ctx.close();
                    return;
                }
                switch (message.fixedHeader().messageType()) {
                    case CONNECT -> connect((MqttConnectMessage) message);
                    case SUBSCRIBE -> {
                        MqttSubscribeMessage subscribe = (MqttSubscribeMessage) message;
                        var ack = MqttMessageBuilders.subAck().packetId(subscribe.variableHeader().messageId());
                        for (MqttTopicSubscription s : subscribe.payload().topicSubscriptions()) {
                            filters.add(s.topicFilter());
                            ack.addGrantedQos(MqttQoS.AT_MOST_ONCE);
                        }
                        ctx.writeAndFlush(ack.build());
                    }
                    case PUBLISH -> {
                        MqttPublishMessage publish = (MqttPublishMessage) message;
                        int id = publish.variableHeader().packetId();
                        if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                            ctx.writeAndFlush(ack(MqttMessageType.PUBACK, id));
                        } else if (publish.fixedHeader().qosLevel() == MqttQoS.EXACTLY_ONCE) {
                            ctx.writeAndFlush(ack(MqttMessageType.PUBREC, id));
                        }
                        if (publish.variableHeader().topicName().equals(requestTopic)) {
                            command(this, ByteBufUtil.getBytes(publish.payload()));
                        }
                    }
                    case PUBREL -> ctx.writeAndFlush(ack(MqttMessageType.PUBCOMP,
                            ((MqttMessageIdVariableHeader) message.variableHeader()).messageId()));
                    case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
                    case DISCONNECT -> ctx.close();
                    default -> {
                        // nothing else matters to the simulator
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void connect(MqttConnectMessage connect) {
            MqttConnectReturnCode verdict;
            if (loggedIn) {
                channel.close();
                return;
            } else if (!"bblp".equals(connect.payload().userName()) || connect.payload().passwordInBytes() == null
                    || !MessageDigest.isEqual(code, connect.payload().passwordInBytes())) {
                verdict = MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
            } else if (clients.size() >= options.maxClients()) {
                verdict = MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
                refusedFull.incrementAndGet();
                LOG.debug("Simulated printer MQTT: refusing a client, {} already connected", clients.size());
            } else {
                verdict = MqttConnectReturnCode.CONNECTION_ACCEPTED;
            }
            var ack = channel.writeAndFlush(MqttMessageBuilders.connAck().returnCode(verdict).sessionPresent(false).build());
            if (verdict != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                ack.addListener(ChannelFutureListener.CLOSE);
                return;
            }
            loggedIn = true;
            logins.incrementAndGet();
            clients.add(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static MqttMessage ack(MqttMessageType type, int id) {
        return new MqttMessage(new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 2), MqttMessageIdVariableHeader.from(id));
    }

    /** The simulated printer's state and its print job. Used on the loop only. */
    private static final class Print {
        private static final int LAYERS = 240;
        private final ObjectNode state;
        private final Options options;
        private final long ticksPerPrint;
        private long tick; // of the current print
        private long ticks; // since start
        private long finishedAt = -1;

        Print(Options options) {
            this.options = options;
            try (InputStream in = MqttPrinterSimulator.class.getResourceAsStream("/sim/p1-status.json")) {
                state = (ObjectNode) JSON.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ((ObjectNode) state.get("ipcam")).put("rtsp_url", options.rtspUrl());
            ticksPerPrint = Math.max(100, options.printLength().toNanos() / options.tick().toNanos());
            if (options.printing()) {
                begin();
            }
        }

        ObjectNode state() {
            return state;
        }

        private void begin() {
            state.put("gcode_state", "RUNNING");
            state.put("subtask_name", "Benchy");
            state.put("gcode_file", "/data/Metadata/plate_1.gcode");
            state.put("print_type", "local");
            state.put("total_layer_num", LAYERS);
            state.put("nozzle_target_temper", 220.0);
            state.put("bed_target_temper", 60.0);
            state.put("mc_print_stage", "2");
            tick = 0;
            finishedAt = -1;
        }

        /** One tick of time; returns the fields that changed. */
        ObjectNode advance() {
            ObjectNode before = state.deepCopy();
            String gcodeState = state.get("gcode_state").asText();
            if (gcodeState.equals("RUNNING")) {
                tick++;
                int percent = (int) Math.min(100, tick * 100 / ticksPerPrint);
                state.put("mc_percent", percent);
                state.put("layer_num", Math.min(LAYERS, (int) (tick * LAYERS / ticksPerPrint) + 1));
                long remainingTicks = Math.max(0, ticksPerPrint - tick);
                state.put("mc_remaining_time", (int) Math.ceil(remainingTicks * options.tick().toMillis() / 60_000.0));
                state.put("nozzle_temper", 219.5 + (tick % 5) * 0.25);
                state.put("bed_temper", 59.8 + (tick % 3) * 0.1);
                state.put("cooling_fan_speed", "15");
                if (percent >= 100) {
                    state.put("gcode_state", "FINISH");
                    state.put("nozzle_target_temper", 0.0);
                    state.put("bed_target_temper", 0.0);
                    state.put("cooling_fan_speed", "0");
                    finishedAt = tick;
                }
            } else if (finishedAt >= 0 && options.printing()) {
                // cool down, then the next print starts (the demo keeps going)
                tick++;
                state.put("nozzle_temper", Math.max(24.0, state.get("nozzle_temper").asDouble() - 5));
                state.put("bed_temper", Math.max(23.5, state.get("bed_temper").asDouble() - 1));
                if (tick - finishedAt > 30) {
                    begin();
                    state.put("mc_percent", 0);
                    state.put("layer_num", 0);
                }
            }
            if (++ticks % 10 == 0) {
                state.put("wifi_signal", "-" + (45 + ticks / 10 % 7) + "dBm");
            }
            return changes(before, state);
        }

        /** A command's effect on the state: the changed fields, or null for a command the simulator does not know. */
        ObjectNode command(String type, String command, JsonNode body) {
            ObjectNode before = state.deepCopy();
            String gcodeState = state.get("gcode_state").asText();
            switch (type + "." + command) {
                case "print.pause" -> {
                    if (gcodeState.equals("RUNNING")) {
                        state.put("gcode_state", "PAUSE");
                    }
                }
                case "print.resume" -> {
                    if (gcodeState.equals("PAUSE")) {
                        state.put("gcode_state", "RUNNING");
                    }
                }
                case "print.stop" -> {
                    if (gcodeState.equals("RUNNING") || gcodeState.equals("PAUSE")) {
                        state.put("gcode_state", "FAILED");
                        finishedAt = tick;
                    }
                }
                case "print.print_speed" -> {
                    int level = body.path("param").asInt(2);
                    state.put("spd_lvl", level);
                    state.put("spd_mag", switch (level) {
                        case 1 -> 50;
                        case 3 -> 124;
                        case 4 -> 166;
                        default -> 100;
                    });
                }
                case "system.ledctrl" -> {
                    ObjectNode light = JSON.createObjectNode();
                    light.put("node", body.path("led_node").asText("chamber_light"));
                    light.put("mode", body.path("led_mode").asText("on"));
                    state.putArray("lights_report").add(light);
                }
                case "print.gcode_line" -> {
                    // accepted; the simulated printer has no motion to show for it
                }
                default -> {
                    return null;
                }
            }
            return changes(before, state);
        }

        /** The top-level fields whose value differs (objects and arrays whole, as a P1 sends them). */
        private static ObjectNode changes(ObjectNode before, ObjectNode after) {
            ObjectNode out = JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getValue().equals(before.get(f.getKey()))) {
                    out.set(f.getKey(), f.getValue().deepCopy());
                }
            }
            return out;
        }
    }
}
