package com.pandaproxy.ha;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.tls.CertificateState;
import com.pandaproxy.tls.TrustStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** The state payloads Home Assistant reads, per entity object id. Pure: no MQTT here. */
public final class States {
    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";
    static final String ON = "ON";
    static final String OFF = "OFF";
    /** What an MQTT sensor takes as "unknown". */
    static final String NONE = "None";
    /** Object id of the client count, published at most once a second. */
    static final String CLIENTS = "clients";
    /** Pseudo object id for the upstream state's JSON attributes. */
    static final String UPSTREAM_ATTRIBUTES = "upstream_attributes";
    /** Pseudo object id for the printer certificate's JSON attributes (fingerprints and CNs). */
    static final String CERTIFICATE_ATTRIBUTES = "printer_certificate_attributes";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

    private States() {
    }

    /** Object id → payload, for every state topic (the attributes JSON included). */
    public static Map<String, String> of(PrinterStatus s) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("camera_type", s.cameraType().id());
        out.put(CLIENTS, Integer.toString(s.clients()));
        out.put("printer_camera", s.streaming() ? ON : OFF);
        out.put("frame_rate", Double.toString(Math.round(s.frameRate() * 10) / 10.0));
        out.put("bitrate", Long.toString(s.bitrate()));
        out.put("last_frame", timestamp(s.lastFrame()));
        out.put("reconnects", Long.toString(s.reconnects()));
        out.put("upstream_state", s.upstreamState().id());
        if (s.relay() != null) {
            out.put("printer_mqtt", s.relay().connected() ? ON : OFF);
            out.put("mqtt_clients", Integer.toString(s.relay().clients()));
        }
        ObjectNode attributes = JSON.createObjectNode();
        attributes.put("last_error", s.lastError());
        out.put(UPSTREAM_ATTRIBUTES, attributes.toString());
        TrustStatus certificate = s.certificate();
        out.put("printer_certificate", certificate.state() == CertificateState.UNKNOWN ? NONE : certificate.state().id());
        ObjectNode cert = JSON.createObjectNode();
        cert.put("sha256", certificate.sha256());
        cert.put("cn", certificate.cn());
        cert.put("new_sha256", certificate.newSha256());
        cert.put("new_cn", certificate.newCn());
        out.put(CERTIFICATE_ATTRIBUTES, cert.toString());
        return out;
    }

    /** ISO 8601 with an explicit offset, as a timestamp sensor wants; "None" when there is none. */
    static String timestamp(Instant instant) {
        return instant == null ? NONE : ISO.format(instant.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
    }
}
