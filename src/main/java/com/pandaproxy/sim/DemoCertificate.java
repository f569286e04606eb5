package com.pandaproxy.sim;

import com.pandaproxy.tls.LocalCa;
import com.pandaproxy.tls.ServerCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's simulated printer certificate: issued by a CA of its own, with a serial number as CN,
 * as a BambuLab printer's is by BambuLab's CAs. Kept in the data dir, so a restarted demo presents
 * the certificate the proxy pinned; the CA's certificate is kept next to it ({@value #CA_FILE}), so
 * {@code --printer-ca} with that file shows a verified printer instead of a pinned one.
 */
public final class DemoCertificate {
    /** The simulated printer's serial number. */
    public static final String SERIAL = SimulatedPrinter.DEMO_SERIAL;
    static final String CERT_FILE = "demo-printer-cert.pem";
    static final String KEY_FILE = "demo-printer-key.pem";
    public static final String CA_FILE = "demo-printer-ca.pem";

    private DemoCertificate() {
    }

    /** The stored certificate, or a new one (with a new CA) stored in {@code dataDir}. */
    public static ServerCertificate loadOrCreate(Path dataDir) throws IOException {
        try {
            return ServerCertificate.loadOrCreate(dataDir, CERT_FILE, KEY_FILE, () -> {
                LocalCa ca = LocalCa.create("PandaProxy demo printer CA");
                try {
                    Files.writeString(dataDir.resolve(CA_FILE), ca.certificatePem());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return ca.issue(SERIAL);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
