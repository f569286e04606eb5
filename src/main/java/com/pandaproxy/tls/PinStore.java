package com.pandaproxy.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The printer certificates trusted so far, in the data dir ({@value #FILE}): per printer address,
 * the SHA-256 fingerprint of its certificate, its CN, and whether it was verified against a CA (then
 * its CN is the printer's serial). Public data, not secrets. Deleting the file (or a printer's lines)
 * makes the proxy trust the certificate it sees next, as on the first start.
 */
final class PinStore {
    static final String FILE = "printer-trust.properties";
    private static final long MAX_SIZE = 64 * 1024;

    /** One printer's pinned certificate. */
    record Pin(String sha256, String cn, boolean verified) {
    }

    private final Path file;

    PinStore(Path dataDir) {
        this.file = dataDir.resolve(FILE);
    }

    Path file() {
        return file;
    }

    /** The pin for {@code host}, or null when there is none. */
    Pin load(String host) throws IOException {
        Properties p = read();
        String sha256 = p.getProperty(host + ".sha256");
        if (sha256 == null || sha256.isBlank()) {
            return null;
        }
        return new Pin(sha256.trim(), p.getProperty(host + ".cn", "").trim(),
                Boolean.parseBoolean(p.getProperty(host + ".verified", "false").trim()));
    }

    /** Pins {@code pin} for {@code host} (other printers' lines are kept), written atomically. */
    void save(String host, Pin pin) throws IOException {
        Properties p = read();
        p.setProperty(host + ".sha256", pin.sha256());
        p.setProperty(host + ".cn", pin.cn());
        p.setProperty(host + ".verified", Boolean.toString(pin.verified()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(FILE + ".tmp");
        // written here rather than by Properties.store, which escapes every ':' of a fingerprint
        StringBuilder text = new StringBuilder("""
                # PandaProxy: the printer certificates it trusts (--printer-trust), per printer address:
                # SHA-256 fingerprint, CN, and whether it verified against a CA. Delete this file (or a
                # printer's lines) to trust the certificate that printer presents next.
                """);
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            text.append(key.replaceAll("([\\\\:= #!])", "\\\\$1")).append('=')
                    .append(p.getProperty(key).replace("\\", "\\\\")).append('\n');
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Changes whenever the file is written, edited or deleted (its modification time, or -1 when absent). */
    long stamp() {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    private Properties read() throws IOException {
        Properties p = new Properties();
        try {
            if (Files.size(file) > MAX_SIZE) {
                throw new IOException(file + " is over " + MAX_SIZE / 1024 + " KiB");
            }
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        } catch (NoSuchFileException e) {
            // nothing pinned yet
        }
        return p;
    }
}
