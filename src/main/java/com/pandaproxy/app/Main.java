package com.pandaproxy.app;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/** Entry point: parse the configuration, start the proxy, run until SIGTERM/SIGINT. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        NettyDefaults.apply();
        int status = run(args, System.getenv(), System.out, System.err);
        if (status >= 0) {
            System.exit(status);
        }
    }

    /**
     * Parses and validates; on success starts the application and blocks until shutdown.
     * Returns the exit status: 0 after --help/--version or a clean stop, 1 when the proxy could
     * not start, 2 for a configuration mistake.
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Cli cli = new Cli();
        Config config;
        try {
            AddonMode addon = AddonMode.load(env, args);
            CommandLine cmd = Cli.commandLine(cli, env, addon.options());
            CommandLine.ParseResult parsed = cmd.parseArgs(args);
            if (parsed.isUsageHelpRequested()) {
                cmd.usage(out);
                return 0;
            }
            if (parsed.isVersionHelpRequested()) {
                cmd.printVersionHelp(out);
                return 0;
            }
            config = cli.toConfig();
            Logging.configure(cli.logLevel());
            addon.logNotes();
        } catch (CommandLine.ParameterException e) {
            err.println("pandaproxy: " + e.getMessage() + " (see --help)");
            return 2;
        } catch (ConfigException e) {
            err.println("pandaproxy: " + e.getMessage());
            return 2;
        }

        Application app;
        try {
            app = Application.start(config);
        } catch (ConfigException e) {
            err.println("pandaproxy: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("pandaproxy: cannot start: " + e.getMessage());
            return 1;
        }
        SmallHeap.apply(); // after start: what start-up allocated is garbage now
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1; // the JVM is already exiting through the shutdown hook
    }
}
