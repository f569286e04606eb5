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
 * "The printer" played by an RTSPS server nobody on the team wrote: GStreamer's GstRtspServer
 * driven by src/test/resources/gst-rtsp-server.py (python3-gi). Live H.264 (and AAC if asked) at
 * rtsps://bblp:PASSWORD@127.0.0.1:PORT/streaming/live/1, with its own self-signed certificate.
 */
public final class GstRtspPrinter implements AutoCloseable {
    public static final String PATH = "/streaming/live/1";

    private final Process process;
    private final int port;

    private GstRtspPrinter(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the server on a free loopback port; {@code digest} picks Digest instead of Basic auth. */
    public static GstRtspPrinter start(Path workDir, String password, boolean digest) {
        return start(workDir, password, digest, false);
    }

    /** Like {@link #start(Path, String, boolean)}; {@code audio} adds an AAC track after the video. */
    public static GstRtspPrinter start(Path workDir, String password, boolean digest, boolean audio) {
        Path python = Interop.python("import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer",
                "python3-gi and gir1.2-gst-rtsp-server-1.0");
        try {
            ServerCertificate identity = ServerCertificate.ephemeral();
            Path cert = workDir.resolve("gst-cert.pem");
            Path key = workDir.resolve("gst-key.pem");
            Files.writeString(cert, pem(identity.certificate()));
            Files.writeString(key, pem(new PemObject("PRIVATE KEY", gnutlsReadable(identity))));
            Path script = workDir.resolve("gst-rtsp-server.py");
            try (var in = GstRtspPrinter.class.getResourceAsStream("/gst-rtsp-server.py")) {
                Files.copy(in, script);
            }
            List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString(), "--cert", cert.toString(),
                    "--key", key.toString(), "--password", password, "--auth", digest ? "digest" : "basic"));
            if (audio) {
                cmd.add("--audio");
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
            return new GstRtspPrinter(p, Integer.parseInt(ready.substring(5).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The printer URL with credentials, as a client would use it. */
    public String url(String password) {
        return "rtsps://bblp:" + password + "@127.0.0.1:" + port + PATH;
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
