package com.pandaproxy.testutil;

import com.pandaproxy.tls.ServerCertificate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Assertions;

/**
 * One run of src/test/resources/gst-rtsp-server.py (GStreamer's GstRtspServer through python3-gi)
 * on a free loopback port, as the printer ({@link GstRtspPrinter}) or as a relay of one
 * ({@link GstRtspRelay}). Its stderr goes to gst-rtsp-server.log in the work directory.
 */
final class GstRtspServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private GstRtspServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the script with {@code args}; with {@code tls} it serves RTSPS with a fresh self-signed certificate. */
    static GstRtspServerProcess start(Path workDir, List<String> args, boolean tls) {
        Path python = pythonWithGstRtspServer();
        try {
            Path script = workDir.resolve("gst-rtsp-server.py");
            try (var in = GstRtspServerProcess.class.getResourceAsStream("/gst-rtsp-server.py")) {
                Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString()));
            cmd.addAll(args);
            if (tls) {
                ServerCertificate identity = ServerCertificate.ephemeral();
                Path cert = workDir.resolve("gst-cert.pem");
                Path key = workDir.resolve("gst-key.pem");
                Files.writeString(cert, pem(identity.certificate()));
                Files.writeString(key, pem(new PemObject("PRIVATE KEY", gnutlsReadable(identity))));
                cmd.addAll(List.of("--cert", cert.toString(), "--key", key.toString()));
            } else {
                cmd.add("--plain");
            }
            Path log = workDir.resolve("gst-rtsp-server.log");
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            });
            String ready;
            try {
                ready = line.get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                ready = null;
            }
            if (ready == null || !ready.startsWith("PORT ")) {
                p.destroyForcibly();
                p.waitFor(3, TimeUnit.SECONDS);
                Assertions.fail("gst-rtsp-server.py did not start (printed " + ready + "): " + Files.readString(log));
            }
            return new GstRtspServerProcess(p, Integer.parseInt(ready.substring(5).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Closing its stdin makes the script quit; killed if it does not within 3 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    /** A python3 that can import GstRtspServer (Debian's /usr/bin/python3 first: pyenv shims lack python3-gi). */
    static Path pythonWithGstRtspServer() {
        List<Path> candidates = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
            candidates.add(Path.of("/usr/bin/python3"));
        }
        Interop.find("python3").ifPresent(candidates::add);
        for (Path python : candidates) {
            Programs.Run probe = Programs.run(List.of(python.toString(), "-c",
                    "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer"),
                    java.time.Duration.ofSeconds(20));
            if (probe.ok()) {
                return python;
            }
        }
        Interop.unavailable("no python3 with GstRtspServer (install python3-gi and gir1.2-gst-rtsp-server-1.0)");
        return null;
    }

    /**
     * PKCS#8 with the public key inside the ECPrivateKey: GnuTLS (GStreamer's TLS) rejects the
     * JDK's encoding, which leaves it out.
     */
    private static byte[] gnutlsReadable(ServerCertificate identity) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(identity.key().getEncoded());
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(identity.certificate().getPublicKey().getEncoded());
        ECPrivateKey inner = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) identity.key()).getS(),
                publicKey.getPublicKeyData(), info.getPrivateKeyAlgorithm().getParameters());
        return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), inner).getEncoded();
    }

    private static String pem(Object value) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(value);
        }
        return s.toString();
    }
}
