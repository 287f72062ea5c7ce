package dev.shepherd.proxy.cli;

import dev.shepherd.proxy.Edge;
import dev.shepherd.proxy.config.ShepherdSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shepherd run -c FILE}: runs the edge until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the edge (the default command). Stops gracefully on SIGTERM or Ctrl-C.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        ShepherdSettings settings = config.load();
        log.info("settings from {}", config.describe());
        SettingsSummary.lines(settings).forEach(line -> log.info("  {}", line));
        Edge edge = Edge.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            edge.close();
            stopped.countDown();
        }, "shepherd-shutdown"));
        stopped.await();
        return 0;
    }
}
