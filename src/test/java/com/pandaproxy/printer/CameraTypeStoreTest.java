package com.pandaproxy.printer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraTypeStoreTest {
    @TempDir
    Path dir;

    @Test
    void remembersTheLastType() {
        CameraTypeStore store = new CameraTypeStore(dir.resolve("data"));
        assertEquals(Optional.empty(), store.load());
        store.save(CameraType.RTSP);
        assertEquals(Optional.of(CameraType.RTSP), new CameraTypeStore(dir.resolve("data")).load());
        store.save(CameraType.UNKNOWN);
        store.save(CameraType.CHAMBER);
        assertEquals(Optional.of(CameraType.CHAMBER), store.load());
    }

    @Test
    void ignoresUnexpectedContent() throws Exception {
        Files.writeString(dir.resolve(CameraTypeStore.FILE), "unknown\n");
        assertEquals(Optional.empty(), new CameraTypeStore(dir).load());
        Files.writeString(dir.resolve(CameraTypeStore.FILE), "x".repeat(1000));
        assertEquals(Optional.empty(), new CameraTypeStore(dir).load());
    }
}
