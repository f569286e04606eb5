package com.pandaproxy.bench;

import com.pandaproxy.testutil.RecordingPrinter;
import com.pandaproxy.testutil.TlsLogin;
import com.pandaproxy.tls.LocalCa;
import com.pandaproxy.tls.PrinterTrust;
import com.pandaproxy.tls.ServerCertificate;
import com.pandaproxy.tls.Tls;
import com.pandaproxy.tls.TrustMode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Connection set-up time to the printer (TCP connect → TLS handshake done, as the proxy's client
 * context does it) with the printer's certificate checked ({@code --printer-trust bambu}) and not
 * ({@code off}), with each TLS engine. The printer is a loopback TLS server in this JVM whose
 * certificate a test CA signed with a serial as CN (EC P-256, as {@code LocalCa} makes them).
 * Every connection gets a new client context, so each is a full handshake (no session resumed),
 * and the policies take turns, so drift in the machine's load hits them alike:
 * <ul>
 *   <li>{@code off}: no check;</li>
 *   <li>{@code bambu, pinned}: one policy for all connections, as in the proxy: after the first, a
 *       SHA-256 of the certificate and its dates;</li>
 *   <li>{@code bambu, full}: a new policy made just before each connection (it reads the pin file,
 *       and reads its CAs on a thread of its own meanwhile), then the whole check: the path to the
 *       CA built and checked (PKIX). As the first connection after a start, in a warm JVM.</li>
 * </ul>
 * Also printed: the first check in this JVM, called directly (loads the JDK's PKIX classes), once.
 *
 * <p>Run: {@code ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * -Dmdep.includeScope=test && java -cp target/classes:target/test-classes:$(cat target/cp.txt)
 * com.pandaproxy.bench.TrustBenchmark [connections per policy and engine, default 300]}
 */
public final class TrustBenchmark {
    private static final String SERIAL = "01P00A000000001";

    private TrustBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        LocalCa ca = LocalCa.create("Benchmark Printer CA");
        ServerCertificate printer = ca.issue(SERIAL);
        Path dir = Files.createTempDirectory("pandaproxy-trust-bench");
        PrinterTrust.Settings bambu = new PrinterTrust.Settings(TrustMode.BAMBU, "127.0.0.1", SERIAL, dir, List.of(ca.certificate()));

        long t0 = System.nanoTime();
        PrinterTrust.of(bambu).trustManager().checkServerTrusted(printer.chain().toArray(new X509Certificate[0]), "ECDHE_ECDSA");
        System.out.printf("first check in this JVM (policy made, pin file written, PKIX classes loaded): %.2f ms%n",
                (System.nanoTime() - t0) / 1e6);

        List<SslProvider> engines = OpenSsl.isAvailable() ? List.of(SslProvider.OPENSSL, SslProvider.JDK) : List.of(SslProvider.JDK);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        System.out.printf("%n%-8s %-16s %5s %8s %8s %8s%n", "engine", "policy", "n", "median", "p90", "mean");
        try {
            for (SslProvider engine : engines) {
                PrinterTrust pinned = PrinterTrust.of(bambu);
                Map<String, Supplier<PrinterTrust>> policies = new LinkedHashMap<>();
                policies.put("off", PrinterTrust::off);
                policies.put("bambu, pinned", () -> pinned);
                policies.put("bambu, full", () -> PrinterTrust.of(bambu));
                Map<String, List<Double>> times = new LinkedHashMap<>();
                policies.keySet().forEach(k -> times.put(k, new ArrayList<>()));
                try (RecordingPrinter server = new RecordingPrinter(printer, engine, 0)) {
                    int warmup = Math.max(20, n / 5);
                    for (int i = 0; i < warmup + n; i++) {
                        for (Map.Entry<String, Supplier<PrinterTrust>> p : policies.entrySet()) {
                            Tls tls = new Tls(engine, CompletableFuture.completedFuture(ServerCertificate.ephemeral()), p.getValue().get());
                            double ms = handshake(group, tls, server.port());
                            if (i >= warmup) {
                                times.get(p.getKey()).add(ms);
                            }
                        }
                    }
                }
                double off = median(times.get("off"));
                for (Map.Entry<String, List<Double>> e : times.entrySet()) {
                    double[] sorted = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    double median = median(e.getValue());
                    System.out.printf("%-8s %-16s %5d %6.2f ms %6.2f ms %6.2f ms%s%n", engine, e.getKey(), sorted.length, median,
                            sorted[(int) Math.min(sorted.length - 1, Math.round(sorted.length * 0.9))], Arrays.stream(sorted).average().orElse(0),
                            e.getKey().equals("off") ? "" : String.format("   (median %+.2f ms)", median - off));
                }
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }

    /** One connection: TCP connect → TLS handshake done (ms), then closed. Fails if the handshake does. */
    private static double handshake(EventLoopGroup group, Tls tls, int port) throws Exception {
        TlsLogin login = TlsLogin.run(group, tls.client(), port, new byte[0]);
        if (login.failure() != null) {
            throw new IllegalStateException("handshake failed", login.failure());
        }
        return login.handshakeNanos() / 1e6;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
