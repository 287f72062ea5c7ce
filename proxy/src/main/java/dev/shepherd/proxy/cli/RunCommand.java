package dev.shepherd.proxy.cli;

import dev.shepherd.proxy.Edge;
import dev.shepherd.proxy.config.ShepherdSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code shepherd run -c FILE}: runs the edge until SIGTERM or SIGINT, then stops it and exits 0. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the edge (the default command). Stops gracefully on SIGTERM or Ctrl-C.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @ParentCommand
    ShepherdCommand parent;

    @Override
    public Integer call() throws InterruptedException {
        ShepherdSettings settings = parent.config.load();
        log.info("settings from {}", parent.config.describe());
        SettingsSummary.lines(settings).forEach(line -> log.info("  {}", line));
        // The edge runs until SIGTERM or SIGINT (Ctrl-C): the first stops it gracefully, within
        // shutdown-timeout; a second ends the drain at once (the workers get SIGKILL), as Docker
        // Compose does. The handlers are in place before the edge starts, so a signal during
        // start-up still stops the workers; the stop waits for the start to end first. A requested
        // stop is reported as success: without the halt the JVM would exit 128 + signal, which
        // service managers count as a failure. SIGHUP re-reads the config file (ConfigReload logs
        // what it applied, or the file's error with the running settings kept).
        CompletableFuture<Edge> started = new CompletableFuture<>();
        SystemdNotify systemd = SystemdNotify.fromEnvironment();
        Signals.on("HUP", () -> {
            Edge edge = started.getNow(null);
            if (edge == null) {
                log.warn("SIGHUP during start-up: ignored; send it again once the edge runs");
            } else {
                log.info("SIGHUP: re-reading {}", parent.config.describe());
                systemd.send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
                edge.operations().reloadConfig().whenComplete((done, failure) -> systemd.send("READY=1"));
            }
        });
        AtomicInteger stops = new AtomicInteger();
        Runnable stop = () -> {
            int signal = stops.incrementAndGet();
            if (signal == 1) {
                systemd.send("STOPPING=1");
                Thread graceful = new Thread(() -> {
                    stopGracefully(started);
                    Runtime.getRuntime().halt(0);
                }, "shepherd-shutdown");
                graceful.start();
            } else if (signal == 2) {
                log.warn("a second stop signal: ending the drain now, SIGKILL to the workers still running");
                Thread cut = new Thread(() -> {
                    Edge edge = started.getNow(null);
                    if (edge != null) {
                        edge.stopNow();
                    }
                    Runtime.getRuntime().halt(0);
                }, "shepherd-stop-now");
                cut.start();
            }
        };
        if (!(Signals.on("TERM", stop) && Signals.on("INT", stop))) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopGracefully(started);
                Runtime.getRuntime().halt(0);
            }, "shepherd-shutdown"));
        }
        try {
            started.complete(Edge.start(settings, new Edge.ConfigSource(parent.config.describe(), parent.config::load)));
        } catch (InterruptedException | RuntimeException e) {
            started.completeExceptionally(e);
            throw e;
        }
        readyOnceServing(started.join(), settings, systemd);
        new CountDownLatch(1).await();
        return 0;
    }

    /**
     * systemd's READY=1 once an endpoint takes connections (the first worker UP, a backend's checks
     * passed), or when workers.ready-timeout has passed without one (the edge runs; status says why
     * nothing serves): a service manager's start must end either way.
     */
    private static void readyOnceServing(Edge edge, ShepherdSettings settings, SystemdNotify systemd) {
        Thread waiting = new Thread(() -> {
            long deadline = System.nanoTime() + settings.workers().readyTimeout().toNanos();
            try {
                while (edge.operations().eligibleEndpoints() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                return;
            }
            int serving = edge.operations().eligibleEndpoints();
            systemd.send("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\nSTATUS=listening on "
                    + edge.address().getPort() + ", " + serving + " endpoints taking connections");
        }, "shepherd-systemd-ready");
        waiting.setDaemon(true);
        waiting.start();
    }

    private static void stopGracefully(CompletableFuture<Edge> started) {
        Edge edge;
        try {
            edge = started.join();
        } catch (RuntimeException startFailed) {
            return; // nothing runs
        }
        edge.close();
    }
}
