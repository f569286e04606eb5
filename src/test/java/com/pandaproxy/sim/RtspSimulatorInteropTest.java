package com.pandaproxy.sim;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.testutil.RtspPlayers;
import com.pandaproxy.testutil.RtspPlayers.Transport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** FFmpeg, which nobody on the team wrote, plays the simulated printer directly. */
@Tag("interop")
class RtspSimulatorInteropTest {
    private static final String CODE = "12345678";

    @Test
    void ffmpegDecodesTheSimulatorWithDigest() {
        try (RtspSimulator sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.DIGEST)) {
            String url = "rtsps://bblp:" + CODE + "@127.0.0.1:" + sim.port() + Bambu.STREAM_PATH;
            RtspPlayers.assertFfprobeSeesH264(url, Transport.TCP);
            RtspPlayers.assertFfmpegDecodesCleanly(url, Transport.TCP, 20);
        }
    }

    @Test
    void ffmpegDecodesTheSimulatorWithBasic() {
        try (RtspSimulator sim = RtspSimulator.start(0, CODE, RtspSimulator.Auth.BASIC)) {
            RtspPlayers.assertFfmpegDecodes("rtsps://bblp:" + CODE + "@127.0.0.1:" + sim.port() + Bambu.STREAM_PATH,
                    Transport.TCP, 20);
        }
    }
}
