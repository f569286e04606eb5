package com.pandaproxy.app;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The proxy's hot paths run in the kernel and in BoringSSL. Compiled by C2 its Java code ran no
 * faster than C1's in the relay benchmarks (within their run-to-run spread), while C2's
 * compilations, which go on for minutes after every start, cost 9–15 MB of resident memory and
 * most of the JIT's CPU time (BENCHMARKS.md, RTSP relay, 2026-12-04). The Docker image runs C1
 * alone by a flag ({@code -XX:TieredStopAtLevel=1}); a JVM started without compiler flags gets the
 * same here, by a compiler directive that excludes C2 for every method, added through the JVM's
 * diagnostic command (methods C2 may not take are compiled at C1's full level). Left alone when
 * the user chose how the JVM compiles, or it runs without tiers.
 */
public final class C1Only {
    private static final String DIRECTIVE = "[{ match: \"*.*\", c2: { Exclude: true } }]";

    private C1Only() {
    }

    /** Whether one of the JVM {@code options} chooses how or with what the JVM compiles. */
    static boolean choosesCompiler(List<String> options) {
        return options.stream().anyMatch(o -> o.equals("-Xint") || o.equals("-Xcomp") || o.equals("-Xmixed")
                || o.startsWith("-XX:") && (o.contains("Compil") || o.contains("Tiered") || o.contains("JVMCI")));
    }

    public static void apply() {
        try {
            // the JVM's own record of its options, those of JAVA_TOOL_OPTIONS and the like included
            if (choosesCompiler(ManagementFactory.getRuntimeMXBean().getInputArguments())) {
                return;
            }
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (!vm.getVMOption("TieredCompilation").getValue().equals("true") || !vm.getVMOption("TieredStopAtLevel").getValue().equals("4")) {
                return;
            }
            Path file = Files.createTempFile("pandaproxy-c1-", ".json");
            try {
                Files.writeString(file, DIRECTIVE, StandardCharsets.US_ASCII);
                ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "compilerDirectivesAdd", new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException | JMException | RuntimeException e) {
            // not HotSpot, or no such command: the JVM compiles as it would
        }
    }
}
