package com.pandaproxy.printer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pandaproxy.chamber.ChamberProbe;
import com.pandaproxy.rtsp.RtspProbe;
import com.pandaproxy.testutil.Fuzz;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;

/** Detection's readers with fuzzed bytes: a port's first answer, the remembered camera type's file. */
class ProbeFuzzTest {
    /** Whatever a port answers, each probe judges it (or waits for more) without an exception, at every length. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void portAnswer(byte[] answer) {
        ByteBuf all = Unpooled.wrappedBuffer(answer);
        for (int n = 0; n <= answer.length; n += Math.max(1, answer.length / 8)) {
            for (Probe probe : new Probe[] {ChamberProbe.PROBE, RtspProbe.PROBE}) {
                probe.judge().apply(all.slice(0, n));
            }
        }
    }

    /** The data dir's camera-type file, whatever it holds: a type or none. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void cameraTypeFile(byte[] content) throws Exception {
        Path dir = Files.createTempDirectory("fuzz-camera-type");
        try {
            Files.write(dir.resolve(CameraTypeStore.FILE), content);
            new CameraTypeStore(dir).load();
        } finally {
            Files.deleteIfExists(dir.resolve(CameraTypeStore.FILE));
            Files.delete(dir);
        }
    }
}
