package dev.shepherd.proxy.supervisor;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Starts a worker's operating-system process; the seam tests replace to fake a failing start. */
@FunctionalInterface
interface ProcessStarter {
    Process start(List<String> command, Map<String, String> extraEnv) throws IOException;

    static ProcessStarter system() {
        return (command, extraEnv) -> {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(extraEnv);
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return builder.start();
        };
    }
}
