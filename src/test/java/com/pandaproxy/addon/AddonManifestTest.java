package com.pandaproxy.addon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.pandaproxy.web.WebSettings;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The add-on's manifest as the Home Assistant add-on linter sees it: config.yaml and build.yaml
 * against its JSON Schemas, and its other rules (see src/test/resources/ha-addon-lint/README.md).
 */
class AddonManifestTest {
    private static final JsonNode CONFIG = Project.yaml("config.yaml");
    private static final JsonNode BUILD = Project.yaml("build.yaml");

    static List<LinterSchemas.Source> schemas() {
        return LinterSchemas.sources();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void configAndBuildValidateAgainstTheLinterSchemas(LinterSchemas.Source source) throws Exception {
        assertEquals(Set.of(), LinterSchemas.validate(source.config(), CONFIG), "config.yaml");
        assertEquals(Set.of(), LinterSchemas.validate(source.build(), BUILD), "build.yaml");
    }

    /** In CI the shared schemas sit beside the project: the committed copy must not drift from them. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void everySchemaCopyIsTheSame(LinterSchemas.Source source) {
        LinterSchemas.Source committed = LinterSchemas.sources().get(0);
        assertEquals(committed.config(), source.config(), "config.schema.json differs: refresh src/test/resources/ha-addon-lint");
        assertEquals(committed.build(), source.build(), "build.schema.json differs: refresh src/test/resources/ha-addon-lint");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void noPropertyRestatesTheSchemaDefault(LinterSchemas.Source source) throws Exception {
        List<String> found = new ArrayList<>();
        restatedDefaults("config.yaml", CONFIG, LinterSchemas.tree(source.config()), found);
        restatedDefaults("build.yaml", BUILD, LinterSchemas.tree(source.build()), found);
        assertEquals(List.of(), found);
    }

    /** The validator must notice mistakes, or the tests above prove nothing. */
    @Test
    void theSchemaCheckCatchesMistakes() throws Exception {
        String schema = LinterSchemas.sources().get(0).config();
        JsonNode wrong = Project.YAML.readTree("""
                name: x
                version: "1"
                slug: x
                description: x
                arch: [amd64, sparc]
                services: ["mqtt:maybe"]
                startup: sometimes
                unknown_key: true
                """);
        Set<String> errors = LinterSchemas.validate(schema, wrong);
        assertEquals(4, errors.size(), errors.toString());
        List<String> restated = new ArrayList<>();
        restatedDefaults("x", Project.YAML.readTree("boot: auto\nstartup: services\ninit: true"), LinterSchemas.tree(schema), restated);
        assertEquals(List.of("x: boot restates the default auto", "x: init restates the default true"), restated);
    }

    @Test
    void noDeprecatedArchitectures() {
        Set<String> arch = texts(CONFIG.get("arch"));
        assertEquals(Set.of("aarch64", "amd64"), arch);
    }

    @Test
    void noObsoleteOrConflictingKeys() {
        assertFalse(CONFIG.has("watchdog"), "watchdog is obsolete: the image has a HEALTHCHECK");
        assertFalse(CONFIG.has("codenotary"));
        assertFalse(CONFIG.has("ingress") && CONFIG.has("webui"), "ingress and webui together");
        for (JsonNode entry : CONFIG.path("map")) {
            String type = entry.isTextual() ? entry.asText().replaceFirst(":.*", "") : entry.path("type").asText();
            assertFalse(type.equals("config"), "map: config is replaced by homeassistant_config / addon_config");
        }
    }

    @Test
    void buildFileMatchesTheConfig() {
        assertFalse(BUILD.has("squash"));
        assertFalse(BUILD.has("codenotary"));
        assertEquals(texts(CONFIG.get("arch")), names(BUILD.get("build_from")), "build_from architectures = config.yaml arch");
    }

    @Test
    void versionIsThePomVersion() throws Exception {
        assertTrue(CONFIG.get("version").isTextual(), "version must be a string (\"0.1.0\")");
        assertEquals(Project.pomVersion(), CONFIG.get("version").asText());
        assertTrue(Project.text("CHANGELOG.md").contains("## " + Project.pomVersion()), "CHANGELOG.md has an entry for the version");
    }

    @Test
    void identityAndServices() {
        assertEquals("pandaproxy", CONFIG.get("slug").asText());
        assertTrue(texts(CONFIG.get("services")).contains("mqtt:want"));
        JsonNode repository = Project.yaml("repository.yaml");
        for (String key : List.of("name", "url", "maintainer")) {
            assertFalse(repository.path(key).asText().isBlank(), "repository.yaml " + key);
        }
        assertEquals(repository.get("url").asText(), CONFIG.get("url").asText());
    }

    @Test
    void portsAreDescribedAndTranslated() {
        Set<String> ports = names(CONFIG.get("ports"));
        assertEquals(Set.of("322/tcp", "6000/tcp", WebSettings.DEFAULT_PORT + "/tcp", "8883/tcp"), ports);
        CONFIG.get("ports").fields().forEachRemaining(e -> assertEquals(e.getKey().replace("/tcp", ""), e.getValue().asText(),
                "the host port defaults to the container port"));
        assertEquals(ports, names(CONFIG.get("ports_description")));
        assertEquals(ports, names(Project.yaml("translations/en.yaml").get("network")));
    }

    /** The page in the sidebar: ingress to the web server's port, which is also the direct one. */
    @Test
    void ingressReachesTheWebPort() {
        assertTrue(CONFIG.path("ingress").asBoolean());
        assertEquals(WebSettings.DEFAULT_PORT, CONFIG.path("ingress_port").asInt());
        assertTrue(CONFIG.path("panel_icon").asText().startsWith("mdi:"));
        assertFalse(CONFIG.has("webui"));
    }

    @Test
    void everyOptionHasASchemaEntryAndATranslationAndViceVersa() {
        Set<String> schema = names(CONFIG.get("schema"));
        assertTrue(schema.containsAll(names(CONFIG.get("options"))), "options without a schema entry");
        JsonNode translations = Project.yaml("translations/en.yaml").get("configuration");
        assertEquals(schema, names(translations));
        translations.fields().forEachRemaining(e -> {
            assertFalse(e.getValue().path("name").asText().isBlank(), e.getKey() + " has a name");
            assertFalse(e.getValue().path("description").asText().isBlank(), e.getKey() + " has a description");
        });
    }

    @Test
    void schemaTypesAreOnesTheSupervisorKnowsAndDefaultsFitThem() {
        String type = "(str|bool|int|float|email|url|password|port)(\\(-?\\d*,-?\\d*\\))?|match\\(.+\\)|list\\([^|()]+(\\|[^|()]+)*\\)|device(\\(.+\\))?";
        CONFIG.get("schema").fields().forEachRemaining(e -> {
            String t = e.getValue().asText();
            assertTrue(t.matches("(" + type + ")\\??"), e.getKey() + ": " + t);
            JsonNode value = CONFIG.get("options").get(e.getKey());
            if (value != null && !value.isNull()) {
                assertFalse(t.endsWith("?"), e.getKey() + ": an optional option has no default in options");
                if (t.startsWith("list(")) {
                    assertTrue(List.of(t.substring(5, t.length() - 1).split("\\|")).contains(value.asText()), e.getKey());
                } else if (t.startsWith("int(")) {
                    String[] range = t.substring(4, t.length() - 1).split(",", -1);
                    assertTrue(value.isInt() && value.asInt() >= Integer.parseInt(range[0]) && value.asInt() <= Integer.parseInt(range[1]), e.getKey());
                }
            }
        });
    }

    @Test
    void iconAndLogoHaveTheirSizes() throws Exception {
        BufferedImage icon = ImageIO.read(Project.file("icon.png").toFile());
        assertEquals(128, icon.getWidth());
        assertEquals(128, icon.getHeight());
        BufferedImage logo = ImageIO.read(Project.file("logo.png").toFile());
        assertEquals(250, logo.getWidth());
        assertEquals(100, logo.getHeight());
    }

    @Test
    void documentationExists() {
        String docs = Project.text("DOCS.md");
        for (String needed : List.of("rtsps://bblp:<code>@<ha>:322/streaming/live/1", "rtsp://bblp:<code>@<ha>:322/stream",
                "port `6000`", "Printer camera", "Reconnect", "Detect camera", "## Troubleshooting")) {
            assertTrue(docs.contains(needed), "DOCS.md mentions " + needed);
        }
    }

    /** The Supervisor searches the repository recursively for config.yaml: only the add-on's may exist. */
    @Test
    void noOtherAddonManifestInTheRepository() throws Exception {
        try (Stream<Path> files = Files.walk(Project.ROOT)) {
            List<Path> manifests = files
                    .filter(p -> !p.startsWith(Project.ROOT.resolve("target")) && !p.startsWith(Project.ROOT.resolve(".git")))
                    .filter(p -> p.getFileName().toString().matches("config\\.(yaml|yml|json)"))
                    .toList();
            assertEquals(List.of(Project.file("config.yaml")), manifests);
        }
    }

    /** Properties (recursively, through anyOf branches) whose value equals the schema's default. */
    static void restatedDefaults(String where, JsonNode value, JsonNode schema, List<String> found) {
        if (!value.isObject()) {
            return;
        }
        List<JsonNode> branches = new ArrayList<>(List.of(schema));
        schema.path("anyOf").forEach(branches::add);
        for (JsonNode branch : branches) {
            JsonNode properties = branch.path("properties");
            for (Iterator<String> it = value.fieldNames(); it.hasNext();) {
                String key = it.next();
                JsonNode property = properties.get(key);
                if (property == null) {
                    continue;
                }
                JsonNode def = property.get("default");
                if (def != null && sameValue(def, value.get(key))) {
                    found.add(where + ": " + key + " restates the default " + def.asText());
                }
                restatedDefaults(where + " " + key, value.get(key), property, found);
            }
        }
    }

    /** YAML reads 10 as an int and JSON's default may be a long; compare as values. */
    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new LinkedHashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> texts = new LinkedHashSet<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
