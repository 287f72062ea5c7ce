package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.logging.LogLimiter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each line a worker writes to stdout or stderr, prefixed with its id, pid and stream, as PM2
 * does: {@code worker 0 pid 4242 err | ...}. Within the worker's log budget (shared with what
 * its control channel causes): a worker printing in a loop costs the edge's log a bounded number
 * of lines per second, and the next line let through says how many were not logged. A line longer
 * than {@link #MAX_LINE} characters is cut.
 */
final class OutputPump {
    private static final Logger log = LoggerFactory.getLogger("dev.shepherd.proxy.supervisor.WorkerOutput");
    static final int MAX_LINE = 8192;

    private OutputPump() {}

    static void start(String workerId, long pid, String stream, InputStream in, LogLimiter budget) {
        String prefix = "worker " + workerId + " pid " + pid + " " + stream;
        Thread thread = new Thread(() -> pump(prefix, in, budget), "worker-" + workerId + "-" + stream);
        thread.setDaemon(true);
        thread.start();
    }

    private static void pump(String prefix, InputStream in, LogLimiter budget) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder line = new StringBuilder();
            boolean cut = false;
            int c;
            while ((c = reader.read()) >= 0) {
                if (c == '\n') {
                    emit(prefix, line, cut, budget);
                    line.setLength(0);
                    cut = false;
                } else if (line.length() < MAX_LINE) {
                    line.append((char) c);
                } else {
                    cut = true;
                }
            }
            if (line.length() > 0) {
                emit(prefix, line, cut, budget);
            }
        } catch (IOException e) {
            log.debug("{}: {}", prefix, e.toString());
        }
    }

    private static void emit(String prefix, StringBuilder line, boolean cut, LogLimiter budget) {
        long held = budget.tryLog();
        if (held < 0) {
            return;
        }
        log.info("{} | {}{}{}", prefix, line, cut ? " [line cut at " + MAX_LINE + " characters]" : "",
                held > 0 ? " [" + held + " lines of this worker not logged before this one: over its budget]" : "");
    }
}
