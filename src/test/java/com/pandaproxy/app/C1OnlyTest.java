package com.pandaproxy.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class C1OnlyTest {
    @Test
    void compilerFlagsMeanTheUserChose() {
        for (String option : List.of("-XX:TieredStopAtLevel=4", "-XX:-TieredCompilation", "-XX:CICompilerCount=2", "-Xint",
                "-Xcomp", "-XX:CompileThresholdScaling=10", "-XX:CompilerDirectivesFile=d.json", "-XX:+UseJVMCICompiler")) {
            assertTrue(C1Only.choosesCompiler(List.of("-Dx=1", option, "-jar", "p.jar")), option);
        }
        assertFalse(C1Only.choosesCompiler(List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xlog:gc", "-jar", "p.jar", "--demo")));
    }

    /** A JVM started as {@code java -jar} starts the proxy: C2 excluded for every method. */
    @Test
    void aJvmWithoutCompilerFlagsKeepsC2Out() throws Exception {
        String directives = child();
        assertTrue(c2Excluded(directives), directives);
    }

    @Test
    void aJvmGivenACompilerFlagIsLeftAlone() throws Exception {
        String directives = child("-XX:TieredStopAtLevel=4");
        assertFalse(c2Excluded(directives), directives);
    }

    /** Whether the JVM's directives (Compiler.directives_print) exclude every method from C2. */
    private static boolean c2Excluded(String directives) {
        int c2 = directives.indexOf("c2 directives:");
        return directives.contains("matching: *.*") && c2 >= 0 && directives.indexOf("Exclude:true", c2) > c2;
    }

    /** What a child JVM with {@code flags} that applied {@link C1Only} prints of its compiler directives. */
    private static String child(String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(flags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS").forEach(builder.environment()::remove);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** The child: applies C1Only, then prints the JVM's compiler directives. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            C1Only.apply();
            System.out.print(ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerDirectivesPrint", new Object[] {null}, new String[] {String[].class.getName()}));
        }
    }
}
