package com.pandaproxy.ha;

import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.FreePort;
import com.pandaproxy.testutil.Interop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker (the Debian package) on free loopback ports, without persistence:
 * a restart loses every retained message, as a broker restart does for Home Assistant.
 */
public final class Mosquitto implements AutoCloseable {
    final int port = FreePort.get();
    /** The TLS listener's port, or 0. */
    final int tlsPort;
    private final Path program;
    private final Path conf;
    private final Path log;
    private Process process;

    /**
     * @param passwordFile null for anonymous access
     * @param tls          null, or {certificate PEM, key PEM} for an extra TLS listener
     */
    public Mosquitto(Path dir, Path passwordFile, Path[] tls) throws IOException {
        this.program = Interop.require("mosquitto", "/usr/sbin");
        this.tlsPort = tls == null ? 0 : FreePort.get();
        this.conf = dir.resolve("mosquitto-" + port + ".conf");
        this.log = dir.resolve("mosquitto-" + port + ".log");
        List<String> lines = new ArrayList<>();
        lines.add("user " + System.getProperty("user.name")); // as root it would switch to user mosquitto
        lines.add("persistence false");
        lines.add("log_dest file " + log); // stdout would be block-buffered into a file
        lines.add("log_type error");
        lines.add("log_type warning");
        lines.add("log_type notice");
        lines.add("log_type information");
        lines.add(passwordFile == null ? "allow_anonymous true" : "allow_anonymous false");
        if (passwordFile != null) {
            lines.add("password_file " + passwordFile);
        }
        lines.add("listener " + port + " 127.0.0.1");
        if (tls != null) {
            lines.add("listener " + tlsPort + " 127.0.0.1");
            lines.add("certfile " + tls[0]);
            lines.add("keyfile " + tls[1]);
        }
        Files.write(conf, lines);
    }

    /** Makes a password file with one user, with mosquitto_passwd. */
    static Path passwordFile(Path dir, String user, String password) throws Exception {
        Path tool = Interop.require("mosquitto_passwd", "/usr/bin");
        Path file = dir.resolve("passwords-" + System.nanoTime());
        Process p = new ProcessBuilder(tool.toString(), "-c", "-b", file.toString(), user, password)
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto_passwd.log").toFile()).start();
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("mosquitto_passwd failed: " + Files.readString(dir.resolve("mosquitto_passwd.log")));
        }
        return file;
    }

    public Mosquitto start() throws IOException {
        process = new ProcessBuilder(program.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Await.until("mosquitto listening on " + port, Duration.ofSeconds(10), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited: " + logText());
            }
            return accepts(port) && (tlsPort == 0 || accepts(tlsPort));
        });
        return this;
    }

    /** Kills the broker (SIGKILL: no goodbye to anyone) and waits for it to go. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGHUP: Mosquitto reloads its configuration and password file. */
    void reload() throws Exception {
        Process p = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
