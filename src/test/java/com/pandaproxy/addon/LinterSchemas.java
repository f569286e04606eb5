package com.pandaproxy.addon;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Home Assistant add-on linter's JSON Schemas (frenck/action-addon-linter, MIT): the copy
 * committed under src/test/resources/ha-addon-lint, and the shared one in ../shared/ha-addon-lint
 * when that folder sits beside the project (as in CI).
 */
final class LinterSchemas {
    /** Where a set of schemas came from, and the two schemas. */
    record Source(String name, String config, String build) {
        @Override
        public String toString() {
            return name;
        }
    }

    private LinterSchemas() {
    }

    static List<Source> sources() {
        List<Source> sources = new ArrayList<>();
        sources.add(new Source("committed copy", resource("config.schema.json"), resource("build.schema.json")));
        Path shared = Project.ROOT.resolve("../shared/ha-addon-lint").normalize();
        if (Files.isRegularFile(shared.resolve("config.schema.json"))) {
            sources.add(new Source(shared.toString(), read(shared.resolve("config.schema.json")), read(shared.resolve("build.schema.json"))));
        }
        return sources;
    }

    /** Validation errors of the document against the schema text; empty when valid. */
    static Set<String> validate(String schemaText, JsonNode document) throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        JsonSchema schema = factory.getSchema(javaRegex(schemaText), config);
        return schema.validate(document).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }

    static JsonNode tree(String schemaText) throws IOException {
        return Project.JSON.readTree(schemaText);
    }

    /**
     * The linter runs in Python, and one pattern ("services") uses Python's named groups,
     * {@code (?P<name>...)}; Java writes the same group {@code (?<name>...)}.
     */
    static String javaRegex(String schemaText) {
        return schemaText.replace("(?P<", "(?<");
    }

    private static String resource(String name) {
        try (InputStream in = LinterSchemas.class.getResourceAsStream("/ha-addon-lint/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource ha-addon-lint/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
