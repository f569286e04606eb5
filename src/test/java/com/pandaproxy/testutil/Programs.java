package com.pandaproxy.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external program to completion within a bounded time, keeping (the tail of) its output. */
public final class Programs {
    private static final int MAX_OUTPUT = 64 * 1024;

    private Programs() {
    }

    /** How a run ended: exit status (-1 when killed at the timeout) and stdout+stderr (tail). */
    public record Run(List<String> command, int exit, boolean timedOut, String output) {
        public boolean ok() {
            return !timedOut && exit == 0;
        }

        /** For assertion messages: the program, how it ended, the last lines of its output. */
        public String describe() {
            String tail = output.length() > 4000 ? "…" + output.substring(output.length() - 4000) : output;
            return command.get(0) + (timedOut ? " timed out" : " exited " + exit) + ":\n" + tail;
        }
    }

    public static Run run(List<String> command, Duration timeout) {
        return run(command, timeout, null);
    }

    /** Runs {@code command} (in {@code dir} if not null); killed with its children after {@code timeout}. */
    public static Run run(List<String> command, Duration timeout, Path dir) {
        return run(command, timeout, dir, Map.of());
    }

    /** As {@link #run(List, Duration, Path)}, with {@code env} added to the environment (secrets stay off the command line). */
    public static Run run(List<String> command, Duration timeout, Path dir, Map<String, String> env) {
        Path log = null;
        try {
            log = Files.createTempFile("pandaproxy-program", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            return new Run(command, finished ? p.exitValue() : -1, !finished, tail(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.get(0), e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    private static String tail(Path log) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        int from = Math.max(0, bytes.length - MAX_OUTPUT);
        return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    }
}
