package com.pandaproxy.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {
    @TempDir
    Path dir;

    @Test
    void madeOnceStoredPrivatelyAndReadBackAsPem() throws Exception {
        ServerCertificate made = ServerCertificate.loadOrCreate(dir, "192.168.1.9");
        Path key = dir.resolve(ServerCertificate.KEY_FILE);
        Path cert = dir.resolve(ServerCertificate.CERT_FILE);
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(cert).startsWith("-----BEGIN CERTIFICATE-----\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(made.certificate().getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("192.168.1.9")));

        ServerCertificate read = ServerCertificate.loadOrCreate(dir, "192.168.1.9");
        assertEquals(made.certificate(), read.certificate());
        assertArrayEquals(made.key().getEncoded(), read.key().getEncoded());
        // the key read back signs what the certificate's public key verifies
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(read.key());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(read.certificate());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signature));
    }

    @Test
    void aDamagedKeyFileIsOneClearError() throws Exception {
        ServerCertificate.loadOrCreate(dir, "127.0.0.1");
        Files.writeString(dir.resolve(ServerCertificate.KEY_FILE), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> ServerCertificate.loadOrCreate(dir, "127.0.0.1"));
        assertTrue(e.getMessage().contains("delete " + ServerCertificate.CERT_FILE), e.getMessage());
    }
}
