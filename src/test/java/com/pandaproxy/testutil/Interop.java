package com.pandaproxy.testutil;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs for interop tests (ffprobe, gst-launch-1.0, mosquitto, …). A missing
 * program skips the test locally and fails it where {@code PANDAPROXY_REQUIRE_INTEROP=1}
 * (as .ci/run sets), so CI cannot go green by skipping.
 */
public final class Interop {
    public static final boolean REQUIRED = "1".equals(System.getenv("PANDAPROXY_REQUIRE_INTEROP"));

    private Interop() {
    }

    /** The program's path on PATH (or in the extra directories), or skip/fail the test. */
    public static Path require(String program, String... extraDirs) {
        Optional<Path> found = find(program, extraDirs);
        if (found.isPresent()) {
            return found.get();
        }
        unavailable(program + " is not installed (install it as .ci/run does)");
        return null;
    }

    /** Skips the test locally, fails it in CI. */
    public static void unavailable(String reason) {
        if (REQUIRED) {
            Assertions.fail("PANDAPROXY_REQUIRE_INTEROP=1 but " + reason);
        }
        Assumptions.abort(reason);
    }

    public static Optional<Path> find(String program, String... extraDirs) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + String.join(File.pathSeparator, extraDirs);
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * A python3 that can run {@code imports} (Debian's /usr/bin/python3 first: a pyenv shim on PATH
     * lacks the Debian packages), or skip/fail the test naming the {@code packages} to install.
     */
    public static Path python(String imports, String packages) {
        List<Path> candidates = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
            candidates.add(Path.of("/usr/bin/python3"));
        }
        find("python3").ifPresent(candidates::add);
        for (Path python : candidates) {
            if (Programs.run(List.of(python.toString(), "-c", imports), Duration.ofSeconds(20)).ok()) {
                return python;
            }
        }
        unavailable("no python3 that can run '" + imports + "' (install " + packages + ")");
        return null;
    }
}
