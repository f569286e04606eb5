package com.pandaproxy.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The page's files, from the jar ({@code src/main/resources/web}): no build step, nothing external. */
final class Page {
    private final String html;
    final byte[] css;
    final byte[] js;

    private Page(String html, byte[] css, byte[] js) {
        this.html = html;
        this.css = css;
        this.js = js;
    }

    static Page load() {
        return new Page(new String(resource("index.html"), StandardCharsets.UTF_8), resource("page.css"), resource("page.js"));
    }

    /** The page, its links relative to {@code base} (the ingress prefix plus "/", or "/"). */
    byte[] html(String base) {
        return html.replace("{{base}}", escape(base)).getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static byte[] resource(String name) {
        try (InputStream in = Page.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource web/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
