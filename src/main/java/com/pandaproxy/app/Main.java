package com.pandaproxy.app;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/** Entry point: parse the configuration, start the proxy, run until SIGTERM/SIGINT. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        NettyDefaults.apply();
        C1Only.apply(); // before anything runs hot
        int status = run(args, System.getenv(), System.out, System.err);
        if (status >= 0) {
            System.exit(status);
        }
    }

    /**
     * Parses and validates; on success starts the application and blocks until shutdown.
     * Returns the exit status: 0 after --help/--version, 1 when the proxy could not start, 2 for
     * a configuration mistake (also one found while running), -1 when stopped by a signal.
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
            err.println("pandaproxy: " + cli.withoutSecrets(e.getMessage()) + " (see --help)");
            return 2;
        } catch (ConfigException e) {
            err.println("pandaproxy: " + cli.explain(e.getMessage()));
            return 2;
        }

        Application app;
        try {
            app = Application.start(config);
        } catch (ConfigException e) {
            err.println("pandaproxy: " + cli.explain(e.getMessage()));
            return 2;
        } catch (Exception e) {
            err.println("pandaproxy: cannot start: " + cli.explain(e.getMessage()));
            return 1;
        }
        SmallHeap.apply(); // after start: what start-up allocated is garbage now
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Thread hook = new Thread(() -> {
            app.close();
            stopped.complete(null);
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        CompletableFuture.anyOf(stopped, app.mistake()).join();
        if (stopped.isDone()) {
            return -1; // the JVM is already exiting through the shutdown hook
        }
        // a configuration mistake found only while running (the printer's address leads back here)
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException signalled) {
            return -1; // a signal came at the same moment: the hook is closing the program
        }
        app.close();
        err.println("pandaproxy: " + cli.explain(app.mistake().join()));
        return 2;
    }
}
