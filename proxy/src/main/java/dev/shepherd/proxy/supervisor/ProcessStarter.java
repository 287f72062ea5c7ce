package dev.shepherd.proxy.supervisor;

import java.io.IOException;
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

    /** The real thing: the edge's environment without its secrets, plus {@code extraEnv}; stdin from /dev/null. */
    static ProcessStarter system() {
        return (command, extraEnv) -> {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().keySet().removeIf(ProcessStarter::isEdgeSecret);
            builder.environment().putAll(extraEnv);
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return builder.start();
        };
    }
}
