package com.pandaproxy.addon;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.testutil.Interop;
import com.pandaproxy.testutil.Programs;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image runs on Alpine, whose C library is musl, and BoringSSL comes as netty-tcnative's
 * library built against glibc. If musl's dynamic linker could not resolve it, Netty would fall
 * back to the JDK's TLS engine without a word but the engine named in the start-up log, and the
 * image's Docker flags (C1 only) make that engine far slower (BENCHMARKS.md). A program built
 * with musl-gcc (Debian's musl 1.2.3; Alpine 3.22 has 1.2.5) opens the library for this machine's
 * architecture from the jar with every symbol bound at once, as the JVM's System.load does.
 * The same holds for the native epoll transport ({@code net/Transports}; without it the proxy
 * falls back to NIO, with one system call per datagram and UDP viewer).
 */
class MuslTlsLibraryTest {
    /** This machine's architecture as Netty names its libraries (the jar has x86-64 and aarch64). */
    private static final String ARCH = System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64";
    private static final String LOADER = """
            #include <dlfcn.h>
            #include <stdio.h>
            int main(int argc, char **argv) {
                void *library = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
                if (library == NULL) {
                    printf("not loaded: %s\\n", dlerror());
                    return 1;
                }
                printf("loaded, JNI_OnLoad %s\\n", dlsym(library, "JNI_OnLoad") != NULL ? "found" : "missing");
                return 0;
            }
            """;

    @TempDir
    Path dir;

    @Test
    void boringSslLoadsWithMuslsDynamicLinker() throws Exception {
        loadsWithMusl("META-INF/native/libnetty_tcnative_linux_" + ARCH + ".so");
    }

    @Test
    void epollLoadsWithMuslsDynamicLinker() throws Exception {
        loadsWithMusl("META-INF/native/libnetty_transport_native_epoll_" + ARCH + ".so");
    }

    private void loadsWithMusl(String resource) throws Exception {
        Path muslGcc = Interop.require("musl-gcc");
        Path library = dir.resolve(Path.of(resource).getFileName().toString());
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is not on the class path (pom: netty-tcnative-boringssl-static, netty-transport-native-epoll)");
            Files.copy(in, library);
        }
        Files.writeString(dir.resolve("load.c"), LOADER);
        Programs.Run build = Programs.run(List.of(muslGcc.toString(), "-o", "load", "load.c"), Duration.ofSeconds(60), dir);
        assertTrue(build.ok(), build.describe());

        Programs.Run load = Programs.run(List.of(dir.resolve("load").toString(), library.toString()), Duration.ofSeconds(30), dir);
        assertTrue(load.ok() && load.output().contains("loaded, JNI_OnLoad found"), load.describe());
    }
}
