package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.Bambu;
import com.pandaproxy.sim.ChamberSimulator;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.testutil.SlowToNoticeLink;
import com.pandaproxy.testutil.StderrCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes at start that used to end in a vague line or a loop (issue 15 items 5, 6, 7). */
class StartProblemsTest {
    private static final String CODE = "24680135";

    @TempDir
    Path dir;

    /** The program's exit status and its one line on stderr; fails if it is still running after 30 s. */
    private record Exit(int status, String err) {
    }

    private Exit run(Map<String, String> env, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--access-code", CODE, "--bind", "127.0.0.1",
                "--data-dir", dir.resolve("data").toString()));
        all.addAll(List.of(args));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> Main.run(all.toArray(String[]::new), env,
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Exit(status.get(30, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void aPortInUseNamesThePortAndItsOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = String.valueOf(taken.getLocalPort());
            String printer = String.valueOf(FreePort.get());
            Exit chamber = run(Map.of(), "--printer-ip", "127.0.0.1", "--camera", "chamber", "--chamber-port", port,
                    "--printer-chamber-port", printer);
            assertEquals(1, chamber.status(), chamber.err());
            assertTrue(chamber.err().contains("--chamber-port " + port) && chamber.err().contains("in use"), chamber.err());
            Exit rtsp = run(Map.of("RTSP_PORT", port), "--printer-ip", "127.0.0.1", "--camera", "rtsp",
                    "--printer-rtsp-port", printer);
            assertEquals(1, rtsp.status(), rtsp.err());
            assertTrue(rtsp.err().contains("RTSP_PORT") && rtsp.err().contains(port), "names the variable the user set: " + rtsp.err());
            assertEquals(1, rtsp.err().lines().count(), rtsp.err());
        }
    }

    @Test
    void aPrinterAddressThatIsTheProxyItselfStopsWithOneLine() throws Exception {
        String port = String.valueOf(FreePort.get());
        Exit exit = run(Map.of(), "--printer-ip", "127.0.0.1", "--chamber-port", port, "--printer-chamber-port", port,
                "--rtsp-port", String.valueOf(FreePort.get()));
        assertEquals(2, exit.status(), exit.err());
        assertTrue(exit.err().contains("--printer-ip") && exit.err().contains("itself"), exit.err());
    }

    /** The same mistake behind a hop the proxy cannot see through (a port forward, Docker's NAT): its own certificate gives it away. */
    @Test
    void aPrinterAddressThatLeadsBackToTheProxyStopsWithOneLine() throws Exception {
        for (String camera : List.of("chamber", "rtsp")) {
            int proxyPort = FreePort.get();
            try (SlowToNoticeLink hop = new SlowToNoticeLink(proxyPort, 0)) {
                String option = camera.equals("chamber") ? "--chamber-port" : "--rtsp-port";
                Exit exit = run(Map.of(), "--printer-ip", "127.0.0.1", "--camera", camera, option, String.valueOf(proxyPort),
                        "--printer-" + camera + "-port", String.valueOf(hop.port()));
                assertEquals(2, exit.status(), camera + ": " + exit.err());
                assertTrue(exit.err().contains("leads back to this proxy"), exit.err());
            }
        }
    }

    /** Item 6: --camera auto on the very first run, printer off: no port until the printer answers, and the log says so. */
    @Test
    void autoWithThePrinterOffOnTheFirstRunOpensThePortWhenThePrinterAnswers() throws Exception {
        int proxyPort = FreePort.get();
        int printerPort = FreePort.get();
        Config config = Config.builder().printer("127.0.0.1", CODE).printerPorts(printerPort, FreePort.get())
                .listen("127.0.0.1", proxyPort, FreePort.get()).httpPort(0).dataDir(dir).maxClients(4).build();
        try (StderrCapture log = new StderrCapture(); Application app = Application.start(config)) {
            assertTrue(log.text().contains("no camera port is open until the printer has answered once"), log.text());
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), proxyPort).close());
            try (ChamberSimulator printer = ChamberSimulator.start(printerPort, CODE);
                 ChamberViewer viewer = ChamberViewer.connect("127.0.0.1", proxyPort, Bambu.USER, CODE, Duration.ofSeconds(20))) {
                assertTrue(viewer.nextFrame(Duration.ofSeconds(10)).length > 0);
            }
        }
    }
}
