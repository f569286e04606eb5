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
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {
    @TempDir
    Path dir;

    @Test
    void madeOnceKeptPrivateAndReadBackUnchanged() throws Exception {
        ServerCertificate made = ServerCertificate.loadOrCreate(dir, "192.168.1.20");
        Path key = dir.resolve(ServerCertificate.KEY_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));

        ServerCertificate read = ServerCertificate.loadOrCreate(dir, "192.168.1.20");
        assertArrayEquals(made.certificate().getEncoded(), read.certificate().getEncoded());
        assertArrayEquals(made.key().getEncoded(), read.key().getEncoded());
        // the key read back signs what the certificate's public key verifies
        Signature sign = Signature.getInstance("SHA256withECDSA");
        sign.initSign(read.key());
        sign.update(new byte[] {1, 2, 3});
        byte[] sig = sign.sign();
        Signature verify = Signature.getInstance("SHA256withECDSA");
        verify.initVerify(read.certificate().getPublicKey());
        verify.update(new byte[] {1, 2, 3});
        assertTrue(verify.verify(sig));
    }

    @Test
    void namesLoopbackAndTheBindAddress() throws Exception {
        X509Certificate cert = ServerCertificate.loadOrCreate(dir, "192.168.1.20").certificate();
        List<String> names = cert.getSubjectAlternativeNames().stream().map(n -> n.get(1).toString()).toList();
        assertTrue(names.containsAll(List.of("localhost", "127.0.0.1", "192.168.1.20")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("0:0:0:0:0:0:0:1") || n.equals("::1")), names.toString());
    }

    @Test
    void aDamagedKeyFileIsOneClearErrorNamingTheFiles() throws Exception {
        ServerCertificate.loadOrCreate(dir, "0.0.0.0");
        Files.writeString(dir.resolve(ServerCertificate.KEY_FILE), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> ServerCertificate.loadOrCreate(dir, "0.0.0.0"));
        assertTrue(e.getMessage().contains(ServerCertificate.KEY_FILE), e.getMessage());
    }
}
