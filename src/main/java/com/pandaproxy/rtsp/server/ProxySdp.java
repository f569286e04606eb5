package com.pandaproxy.rtsp.server;

import com.pandaproxy.rtsp.NptRange;
import com.pandaproxy.rtsp.Sdp;
import com.pandaproxy.rtsp.SdpLine;
import com.pandaproxy.rtsp.SdpMedia;
import java.util.ArrayList;
import java.util.List;

/**
 * The SDP the proxy gives its clients: the printer's media descriptions (payload types, rtpmap,
 * fmtp with the parameter sets) under the proxy's own origin and control URLs
 * ({@code trackID=<n>}, relative to the Content-Base the DESCRIBE answer carries).
 */
final class ProxySdp {
    private ProxySdp() {
    }

    static Sdp of(Sdp printer) {
        List<SdpLine> session = new ArrayList<>();
        for (SdpLine l : printer.sessionLines()) {
            switch (l.type()) {
                case 'o' -> session.add(new SdpLine('o', "- 0 0 IN IP4 127.0.0.1"));
                // the printer's address means nothing to a client of the proxy
                case 'c' -> session.add(new SdpLine('c', "IN IP4 0.0.0.0"));
                case 'a' -> {
                    if (!l.isAttribute("control") && !l.isAttribute("range") && !l.isAttribute("tool")) {
                        session.add(l);
                    }
                }
                default -> session.add(l);
            }
        }
        Sdp out = new Sdp(session, List.of())
                .withAttribute("tool", "PandaProxy")
                .withAttribute("range", NptRange.LIVE)
                .withAttribute("control", "*");
        List<SdpMedia> media = new ArrayList<>();
        for (int i = 0; i < printer.media().size(); i++) {
            SdpMedia m = printer.media().get(i);
            List<SdpLine> lines = new ArrayList<>();
            for (SdpLine l : m.lines()) {
                if (l.type() == 'c') {
                    lines.add(new SdpLine('c', "IN IP4 0.0.0.0"));
                } else if (!l.isAttribute("control")) {
                    lines.add(l);
                }
            }
            media.add(new SdpMedia(m.type(), 0, m.protocol(), m.formats(), lines)
                    .withAttribute("control", StreamPaths.TRACK + i));
        }
        return out.withMedia(media);
    }
}
