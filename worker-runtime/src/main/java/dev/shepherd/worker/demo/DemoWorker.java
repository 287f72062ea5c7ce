package dev.shepherd.worker.demo;

import dev.shepherd.worker.Worker;
import java.io.IOException;
import java.time.Duration;

/**
 * The demo worker of the default config: an HTTP/1.1 server on 127.0.0.1 that answers {@code GET /}
 * with its worker id, pid and port and {@code GET /health} with 200, and echoes Shepherd's
 * messages back. Also runs on its own: {@code java -cp shepherd.jar dev.shepherd.worker.demo.DemoWorker --port 9001}.
 */
public final class DemoWorker {
    /** How long a stop waits for requests in progress before it closes their connections. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(5);

    private DemoWorker() {}

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public static void main(String[] args) throws IOException {
        // One line per log record (the JDK's default takes two), unless the command line chose a format.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %3$s: %5$s%6$s%n");
        }
        Worker worker;
        try {
            worker = Worker.current(args);
        } catch (IllegalStateException e) {
            System.err.println("demo worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        DemoServer server = DemoServer.start(worker.id(), worker.port());
        // Keep a little of Shepherd's deadline for the JVM's own exit.
        worker.onShutdown((Duration timeLeft) -> server.stop(min(DRAIN_LIMIT, timeLeft.multipliedBy(9).dividedBy(10))));
        worker.onMessage(text -> worker.send("echo: " + text));
        worker.ready();
        System.out.println("demo worker " + worker.id() + " listening on 127.0.0.1:" + worker.port());
    }
}
