package com.pandaproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependencies point one way (DEVELOPERS.md, "Layers"). Read from the sources, not
 * the bytecode: a class used only for a constant (which javac copies into the user) counts too.
 * A package is {@code com.pandaproxy.<name>} with its sub-packages.
 */
class LayersTest {
    /** Top to bottom: a package uses only packages of the layers below its own. */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("app"),                     // wiring, CLI, add-on
            Set.of("sim"),                     // the simulated printers (demo, tests)
            Set.of("chamber", "rtsp", "mqtt", "ha", "web"), // protocols, independent of each other
            Set.of("printer"),                 // lifecycle, detection, status, the printer's facts
            Set.of("fanout", "net", "tls"));   // helpers
    private static final Pattern REFERENCE = Pattern.compile("\\bcom\\.pandaproxy\\.([a-z]\\w*)\\.");
    private static final Path SOURCES = Path.of("src/main/java/com/pandaproxy");

    @Test
    void dependenciesPointDownAndFormNoCycle() {
        Map<String, Set<String>> uses = uses(SOURCES);
        assertEquals(List.of(), wrongWay(uses), "package → package it must not use (DEVELOPERS.md, Layers)");
        assertEquals(List.of(), cycles(uses), "package cycles");
    }

    @Test
    void theChecksSeeWhatTheyAreFor() {
        Map<String, Set<String>> uses = Map.of("app", Set.of("printer"), "printer", Set.of("chamber"),
                "chamber", Set.of("printer", "rtsp"), "rtsp", Set.of(), "extra", Set.of());
        assertEquals(List.of("chamber → printer → chamber"), cycles(uses));
        assertEquals(Set.of("printer → chamber", "chamber → rtsp", "extra is in no layer"), Set.copyOf(wrongWay(uses)));
    }

    /** What each package uses of the others: {@code com.pandaproxy.x.} anywhere in its sources. */
    static Map<String, Set<String>> uses(Path root) {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = root.relativize(f).getName(0).toString();
                Set<String> used = uses.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        used.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uses;
    }

    /** Every use of a package that is not in a layer below, and every package in no layer. */
    static List<String> wrongWay(Map<String, Set<String>> uses) {
        List<String> wrong = new ArrayList<>();
        uses.forEach((from, used) -> {
            int layer = layer(from);
            if (layer < 0) {
                wrong.add(from + " is in no layer");
            }
            used.stream().filter(to -> layer(to) <= layer).forEach(to -> wrong.add(from + " → " + to));
        });
        return wrong;
    }

    /** Each cycle once, as the packages along it (a depth-first search from every package). */
    static List<String> cycles(Map<String, Set<String>> uses) {
        Set<String> found = new TreeSet<>();
        for (String start : uses.keySet()) {
            walk(start, new ArrayList<>(List.of(start)), uses, found);
        }
        return new ArrayList<>(found);
    }

    private static void walk(String at, List<String> path, Map<String, Set<String>> uses, Set<String> found) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(path.get(0))) {
                if (path.get(0).equals(path.stream().sorted().findFirst().orElseThrow())) {
                    found.add(String.join(" → ", path) + " → " + next); // reported from its smallest name only
                }
            } else if (!path.contains(next)) {
                path.add(next);
                walk(next, path, uses, found);
                path.remove(path.size() - 1);
            }
        }
    }

    private static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        return -1;
    }
}
