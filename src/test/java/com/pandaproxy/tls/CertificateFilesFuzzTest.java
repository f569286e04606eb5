package com.pandaproxy.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pandaproxy.testutil.Fuzz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The data dir's certificate and key files, damaged: the start stops with one IOException sentence, nothing else. */
class CertificateFilesFuzzTest {
    /** The input is the certificate file, a NUL byte, the key file. */
    @FuzzTest(maxDuration = Fuzz.DURATION)
    void certificateAndKey(byte[] input) throws Exception {
        String all = new String(input, StandardCharsets.ISO_8859_1);
        int nul = all.indexOf('\0');
        Path dir = Files.createTempDirectory("fuzz-cert");
        try {
            Files.writeString(dir.resolve(ServerCertificate.CERT_FILE), nul < 0 ? all : all.substring(0, nul), StandardCharsets.ISO_8859_1);
            Files.writeString(dir.resolve(ServerCertificate.KEY_FILE), nul < 0 ? "" : all.substring(nul + 1), StandardCharsets.ISO_8859_1);
            ServerCertificate.loadOrCreate(dir, "127.0.0.1");
        } catch (IOException refused) {
            assertTrue(refused.getMessage() != null && refused.getMessage().contains("TLS"), String.valueOf(refused.getMessage()));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
