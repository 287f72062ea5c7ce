package dev.shepherd.proxy.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each line a worker writes to stdout or stderr, prefixed with its id, as PM2 does. */
final class OutputPump {
    private static final Logger log = LoggerFactory.getLogger("dev.shepherd.proxy.supervisor.WorkerOutput");

    private OutputPump() {}

    static void start(String workerId, String stream, InputStream in) {
        Thread thread = new Thread(() -> pump(workerId, stream, in), "worker-" + workerId + "-" + stream);
        thread.setDaemon(true);
        thread.start();
    }

    private static void pump(String workerId, String stream, InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.info("worker {} {} | {}", workerId, stream, line);
            }
        } catch (IOException e) {
            log.debug("worker {} {}: {}", workerId, stream, e.toString());
        }
    }
}
