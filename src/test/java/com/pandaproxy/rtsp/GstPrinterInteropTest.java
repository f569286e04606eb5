package com.pandaproxy.rtsp;

import com.pandaproxy.testutil.GstRtspPrinter;
import com.pandaproxy.testutil.RtspPlayers;
import com.pandaproxy.testutil.RtspPlayers.Transport;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interop harness checked against servers nobody on the team wrote: the players must decode
 * video straight from the GStreamer RTSPS printer, so a failure elsewhere is the proxy's fault.
 */
@Tag("interop")
class GstPrinterInteropTest {
    private static final String CODE = "12345678";

    @TempDir
    Path dir;

    @Test
    void playersDecodeTheGstreamerPrinterWithBasicAuth() {
        try (GstRtspPrinter printer = GstRtspPrinter.start(dir, CODE, false)) {
            RtspPlayers.assertFfprobeSeesH264(printer.url(CODE), Transport.TCP);
            RtspPlayers.assertGstreamerDecodes("rtsps://127.0.0.1:" + printer.port() + GstRtspPrinter.PATH,
                    "bblp", CODE, Transport.TCP, 10);
        }
    }

    @Test
    void ffmpegDecodesTheGstreamerPrinterWithDigestAuth() {
        try (GstRtspPrinter printer = GstRtspPrinter.start(dir, CODE, true)) {
            RtspPlayers.assertFfmpegDecodes(printer.url(CODE), Transport.TCP, 10);
        }
    }
}
