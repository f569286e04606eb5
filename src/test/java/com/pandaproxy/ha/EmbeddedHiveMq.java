package com.pandaproxy.ha;

import com.hivemq.embedded.EmbeddedHiveMQ;
import com.pandaproxy.testutil.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** HiveMQ Community Edition in this JVM, on a free loopback port, keeping nothing on disk. */
public final class EmbeddedHiveMq implements AutoCloseable {
    final int port = FreePort.get();
    private final EmbeddedHiveMQ broker;

    public EmbeddedHiveMq(Path dir) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>127.0.0.1</bind-address>
                    </tcp-listener>
                  </listeners>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        broker = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
                .withoutLoggingBootstrap() // it would need Logback; we log through slf4j-simple
                .build();
        broker.start().get(30, TimeUnit.SECONDS);
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        broker.stop().get(10, TimeUnit.SECONDS);
        broker.close();
    }
}
