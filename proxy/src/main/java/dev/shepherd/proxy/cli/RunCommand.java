package dev.shepherd.proxy.cli;

import dev.shepherd.proxy.Edge;
import dev.shepherd.proxy.config.ShepherdSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
        // The edge runs until the JVM is asked to stop: SIGTERM or SIGINT (Ctrl-C). The hook
        // is in place before the edge starts, so a signal during start-up still stops the workers;
        // it waits for the start to end first. A requested stop is reported as success: without the
        // halt the JVM would exit 128 + signal, which service managers count as a failure.
        HangupSignal.ignoreWithAWarning();
        CompletableFuture<Edge> started = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Edge edge;
            try {
                edge = started.join();
            } catch (RuntimeException startFailed) {
                return; // nothing runs; the exit status of the failure stands
            }
            edge.close();
            Runtime.getRuntime().halt(0);
        }, "shepherd-shutdown"));
        try {
            started.complete(Edge.start(settings));
        } catch (InterruptedException | RuntimeException e) {
            started.completeExceptionally(e);
            throw e;
        }
        new CountDownLatch(1).await();
        return 0;
    }
}
