package dev.shepherd.proxy.supervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Starts a worker's operating-system process; the seam tests replace to fake a failing start. */
@FunctionalInterface
interface ProcessStarter {
    Process start(List<String> command, Map<String, String> extraEnv) throws IOException;

    /** The edge's own secrets in its environment (the admin token), which no worker inherits. */
    static boolean isEdgeSecret(String variable) {
        return variable.equals("SHEPHERD_ADMIN_TOKEN") || variable.equals("CONFIG_FORCE_shepherd_admin_token");
    }

    /**
     * The real thing: the edge's environment without its secrets, plus {@code extraEnv}; stdin from
     * /dev/null; in {@code directory}, or the edge's own working directory when it is {@code null}.
     */
    static ProcessStarter system(Path directory) {
        return (command, extraEnv) -> {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().keySet().removeIf(ProcessStarter::isEdgeSecret);
            builder.environment().putAll(extraEnv);
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return builder.start();
        };
    }
}
