package com.pandaproxy.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.Interop;
import com.pandaproxy.testutil.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Programs nobody on the team wrote against the web server: ffmpeg, curl, busybox wget (the image's health check). */
@Tag("interop")
class WebInteropTest extends WebTestBase {
    private String withCredentials(WebFixture f, String path) {
        return "http://" + WebFixture.USER + ":" + WebFixture.CODE + "@127.0.0.1:" + f.web.port() + path;
    }

    @Test
    void ffmpegReadsTheMjpegStream() throws Exception {
        Path ffmpeg = Interop.require("ffmpeg");
        WebFixture f = chamber(10);
        Path frames = dir.resolve("frames");
        Files.createDirectories(frames);
        Programs.Run run = Programs.run(List.of(ffmpeg.toString(), "-v", "error", "-f", "mjpeg", "-i",
                withCredentials(f, "/stream.mjpeg"), "-frames:v", "20", "-c", "copy", "-f", "image2",
                frames.resolve("f%03d.jpg").toString()), Duration.ofSeconds(60));
        assertTrue(run.ok(), run.describe());
        try (var files = Files.list(frames)) {
            List<Path> jpegs = files.sorted().toList();
            assertEquals(20, jpegs.size());
            long first = ChamberSimulator.frameNumber(Files.readAllBytes(jpegs.get(2)));
            long last = ChamberSimulator.frameNumber(Files.readAllBytes(jpegs.get(19)));
            assertTrue(first >= 0 && last > first, "frames of the simulator, in order: " + first + " .. " + last);
        }
    }

    @Test
    void curlGetsASnapshotAndIsRefusedWithoutCredentials() throws Exception {
        Path curl = Interop.require("curl");
        WebFixture f = chamber(10);
        Path out = dir.resolve("snapshot.jpg");
        Programs.Run ok = Programs.run(List.of(curl.toString(), "-sS", "-f", "-u", WebFixture.USER + ":" + WebFixture.CODE,
                "-o", out.toString(), "-w", "%{http_code} %{content_type}", "http://127.0.0.1:" + f.web.port() + "/snapshot.jpg"),
                Duration.ofSeconds(30));
        assertTrue(ok.ok(), ok.describe());
        assertEquals("200 image/jpeg", ok.output().trim());
        assertTrue(ChamberSimulator.frameNumber(Files.readAllBytes(out)) >= 0, "a picture of the simulator");
        assertEquals(320, Pictures.read(Files.readAllBytes(out)).getWidth());

        Programs.Run refused = Programs.run(List.of(curl.toString(), "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:" + f.web.port() + "/snapshot.jpg"), Duration.ofSeconds(30));
        assertEquals("401", refused.output().trim());
        Programs.Run wrong = Programs.run(List.of(curl.toString(), "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "-u", "bblp:wrong", "http://127.0.0.1:" + f.web.port() + "/snapshot.jpg"), Duration.ofSeconds(30));
        assertEquals("401", wrong.output().trim());
    }

    /** The Docker HEALTHCHECK's command as the Dockerfile has it, run by busybox's sh and wget as in the image. */
    @Test
    void theImagesHealthCheckJudgesHealth() throws Exception {
        Path busybox = Interop.require("busybox");
        WebFixture f = chamber(10);
        String dockerfile = Files.readString(Path.of("Dockerfile")).replace("\\\n", " ");
        String command = dockerfile.lines().filter(l -> l.startsWith("HEALTHCHECK ")).findFirst().orElseThrow()
                .replaceFirst(".* CMD ", "");
        String script = "wget() { " + busybox + " wget \"$@\"; }; HTTP_PORT=" + f.web.port() + "; " + command;
        Programs.Run healthy = Programs.run(List.of(busybox.toString(), "sh", "-c", script), Duration.ofSeconds(30));
        assertTrue(healthy.ok(), healthy.describe());
        f.printer.close();
        Programs.Run unhealthy = Programs.run(List.of(busybox.toString(), "sh", "-c", script), Duration.ofSeconds(30));
        assertFalse(unhealthy.ok(), "503 is a failure for wget: " + unhealthy.describe());
        assertEquals(1, unhealthy.exit());
        Programs.Run body = Programs.run(List.of(busybox.toString(), "wget", "-q", "-O", "-", f.url("/healthz")), Duration.ofSeconds(30));
        assertFalse(body.ok());
    }
}
