package com.pandaproxy.printer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last detected camera type, kept in the data dir ({@code camera-type}: "chamber" or "rtsp"),
 * so that a start with the printer away can open the right port at once.
 */
public final class CameraTypeStore {
    private static final Logger LOG = LoggerFactory.getLogger(CameraTypeStore.class);
    static final String FILE = "camera-type";

    private final Path file;

    public CameraTypeStore(Path dataDir) {
        this.file = dataDir.resolve(FILE);
    }

    /** The remembered type; empty when there is none or the file is unreadable or unexpected. */
    public Optional<CameraType> load() {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > 64) {
                return Optional.empty();
            }
            String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
            for (CameraType t : CameraType.values()) {
                if (t != CameraType.UNKNOWN && t.id().equals(id)) {
                    return Optional.of(t);
                }
            }
            LOG.warn("Ignoring {}: unexpected content", file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read {}: {}", file, e.getMessage());
        }
        return Optional.empty();
    }

    /** Remembers the type (written atomically); a failure is logged, not thrown. */
    public void save(CameraType type) {
        if (type == CameraType.UNKNOWN || load().orElse(null) == type) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, type.id() + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot remember the camera type in {}: {}", file, e.getMessage());
        }
    }
}
