package com.pandaproxy.addon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.pandaproxy.web.WebSettings;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Dockerfile, read as text (there is no Docker engine here to build it). */
class DockerImageTest {
    /** Instructions, with continuation lines joined and comments dropped. */
    private static final List<String> LINES = instructions(Project.text("Dockerfile"));

    private static List<String> instructions(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            if (!current.toString().isBlank()) {
                lines.add(current.toString().strip().replaceAll("\\s+", " "));
            }
            current.setLength(0);
        }
        return lines;
    }

    private static List<String> starting(String instruction) {
        return LINES.stream().filter(l -> l.startsWith(instruction + " ")).toList();
    }

    @Test
    void everyFileCopiedFromTheContextExistsAndIsInTheContext() {
        List<String> copies = starting("COPY").stream().filter(l -> !l.contains("--from=")).toList();
        assertFalse(copies.isEmpty());
        List<String> ignore = Project.text(".dockerignore").lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        for (String copy : copies) {
            String[] words = copy.split(" ");
            for (int i = 1; i < words.length - 1; i++) {
                String source = words[i];
                assertTrue(Files.exists(Project.file(source)), copy + ": " + source + " exists");
                assertTrue(inContext(source, ignore), copy + ": .dockerignore keeps " + source);
            }
        }
    }

    /** .dockerignore as Docker reads it, for the patterns used here: the last matching line wins. */
    private static boolean inContext(String path, List<String> ignore) {
        boolean included = true;
        for (String pattern : ignore) {
            boolean negate = pattern.startsWith("!");
            String p = (negate ? pattern.substring(1) : pattern).replaceAll("/$", "");
            boolean matches = p.equals("*") || path.equals(p) || path.startsWith(p + "/");
            if (matches) {
                included = negate;
            }
        }
        return included;
    }

    @Test
    void buildStageMakesTheJarTheRunStageCopies() {
        List<String> froms = starting("FROM");
        assertEquals(2, froms.size(), "multi-stage: build and run");
        assertEquals("FROM eclipse-temurin:17-jdk AS build", froms.get(0));
        assertTrue(LINES.stream().anyMatch(l -> l.startsWith("RUN ./mvnw ") && l.endsWith(" package")), "the Maven wrapper builds the jar");
        assertTrue(Files.isExecutable(Project.file("mvnw")), "mvnw is executable");
        assertTrue(Project.text("pom.xml").contains("<finalName>pandaproxy</finalName>"), "the jar is target/pandaproxy.jar");
        assertTrue(LINES.contains("COPY --from=build /src/target/pandaproxy.jar /app/pandaproxy.jar"));
        assertTrue(Project.text("run.sh").contains("${PANDAPROXY_JAR:-/app/pandaproxy.jar}"), "run.sh starts that jar");
    }

    @Test
    void runStageIsTheSupervisorsBaseImageOrTheSameAlpine() {
        String arg = LINES.get(0);
        Matcher m = Pattern.compile("ARG BUILD_FROM=alpine:(\\d+\\.\\d+)").matcher(arg);
        assertTrue(m.matches(), "first line gives BUILD_FROM a default for plain docker build: " + arg);
        assertEquals("FROM ${BUILD_FROM}", starting("FROM").get(1));
        JsonNode buildFrom = Project.yaml("build.yaml").get("build_from");
        buildFrom.fields().forEachRemaining(e -> assertEquals(
                "ghcr.io/home-assistant/" + e.getKey() + "-base:" + m.group(1), e.getValue().asText(),
                "the add-on's base image is the same Alpine release as the default"));
        assertTrue(LINES.contains("RUN apk add --no-cache openjdk17-jre-headless"), "the JRE comes from Alpine");
    }

    @Test
    void classDataSharingArchiveIsDumpedFromAClassListThatStillNamesRealClasses() throws Exception {
        assertTrue(LINES.contains("COPY src/main/docker/pandaproxy.classlist /app/pandaproxy.classlist"));
        String dump = LINES.stream().filter(l -> l.contains("-Xshare:dump")).findFirst().orElse("");
        assertTrue(dump.contains("-XX:SharedClassListFile=/app/pandaproxy.classlist")
                && dump.contains("-XX:SharedArchiveFile=/app/pandaproxy.jsa") && dump.contains("-cp /app/pandaproxy.jar")
                && dump.contains("|| {"), "dumped next to the jar, and a JRE that cannot dump still builds: " + dump);
        assertTrue(Project.text("run.sh").contains("-XX:SharedArchiveFile=${JAR%.jar}.jsa"), "run.sh uses the archive");
        // renamed or deleted classes would silently fall out of the archive: the list must follow the code.
        // The JDK's own classes are those of the image's JDK 17; a newer JDK running the tests has others.
        boolean imageJdk = Runtime.version().feature() == 17;
        List<String> missing = new ArrayList<>();
        long listed = Project.text("src/main/docker/pandaproxy.classlist").lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("@"))
                .peek(name -> {
                    boolean jdkClass = ClassLoader.getPlatformClassLoader().getResource(name.split(" ")[0] + ".class") != null
                            || name.matches("(java|javax|jdk|sun|com/sun)/.*");
                    if ((imageJdk || !jdkClass) && ClassLoader.getSystemResource(name.split(" ")[0] + ".class") == null) {
                        missing.add(name);
                    }
                }).count();
        assertTrue(listed > 1000, "the list holds the proxy's classes: " + listed);
        assertTrue(missing.isEmpty(), "classes in the list that do not exist (regenerate it, BENCHMARKS.md): " + missing);
    }

    @Test
    void portsHealthcheckMemoryAndEntrypoint() throws Exception {
        assertTrue(LINES.contains("EXPOSE 322 6000 " + WebSettings.DEFAULT_PORT + " 8883"));
        List<String> health = starting("HEALTHCHECK");
        assertEquals(1, health.size());
        // busybox wget (WebInteropTest runs the same against /healthz), not a JVM
        assertTrue(health.get(0).matches(".* CMD .*wget -q -O /dev/null \"http://\\$host:\\$\\{HTTP_PORT:-"
                + WebSettings.DEFAULT_PORT + "}/healthz\" \\|\\| exit 1"), health.get(0));
        assertFalse(health.get(0).contains("java "), "no JVM started for a health check");
        assertTrue(LINES.stream().anyMatch(l -> l.startsWith("ENV JAVA_OPTS=\"-XX:+UseSerialGC ")), "JAVA_OPTS default");
        assertTrue(LINES.stream().anyMatch(l -> l.contains("DATA_DIR=/data")), "data in /data in both modes");
        assertEquals(List.of("ENTRYPOINT [\"/run.sh\"]"), starting("ENTRYPOINT"));
        assertTrue(LINES.contains("COPY run.sh /run.sh"));
    }

    @Test
    void entrypointIsAnExecutablePosixScriptThatExecsTheJvm() throws Exception {
        Path script = Project.file("run.sh");
        assertTrue(Files.isExecutable(script), "run.sh is executable (git keeps the bit: 100755)");
        String text = Files.readString(script);
        assertTrue(text.startsWith("#!/bin/sh\n"));
        assertTrue(text.contains("\nexec java ${JAVA_OPTS:-} $share -jar \"$JAR\" \"$@\"\n"));
        for (String bashism : List.of("[[", "function ", "local ", "$'", "<<<", "source ")) {
            assertFalse(text.contains(bashism), "not POSIX sh: " + bashism);
        }
        assertFalse(text.contains("set -x"), "tracing would print secrets");
        Process check = new ProcessBuilder("sh", "-n", script.toString()).redirectErrorStream(true).start();
        assertEquals(0, check.waitFor(), new String(check.getInputStream().readAllBytes()));
    }

    @Test
    void composeAndEnvExampleAgree() {
        JsonNode compose = Project.yaml("docker-compose.yml");
        JsonNode service = compose.get("services").get("pandaproxy");
        assertNotNull(service);
        List<String> ports = new ArrayList<>();
        service.get("ports").forEach(p -> ports.add(p.asText()));
        assertEquals(List.of("322:322", "6000:6000", WebSettings.DEFAULT_PORT + ":" + WebSettings.DEFAULT_PORT, "8883:8883"), ports);
        assertEquals(".", service.get("build").asText());
        String env = Project.text(".env.example");
        for (String variable : List.of("PRINTER_IP", "ACCESS_CODE", "SERIAL_NUMBER", "SERVICES", "MQTT_URL", "MQTT_USERNAME", "MQTT_PASSWORD")) {
            assertTrue(env.lines().anyMatch(l -> l.startsWith(variable + "=") || l.startsWith("# " + variable + "=")), ".env.example has " + variable);
        }
        assertTrue(service.get("env_file").toString().contains(".env"));
        assertTrue(Project.text(".gitignore").lines().anyMatch(".env"::equals), ".env with the access code stays out of git");
    }
}
