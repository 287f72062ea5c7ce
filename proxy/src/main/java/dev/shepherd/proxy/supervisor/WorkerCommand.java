package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.Placeholders;
import dev.shepherd.worker.demo.DemoWorker;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The argv workers are started with: {@code workers.command}, whose {@code {port}} and {@code {id}}
 * each instance gets replaced with its own, or the demo worker when it is empty.
 *
 * @param fromSettings whether {@code argv} is the user's (and holds placeholders) rather than the demo's
 */
record WorkerCommand(List<String> argv, boolean fromSettings) {
    WorkerCommand {
        argv = List.copyOf(argv);
    }

    static WorkerCommand of(List<String> configured) {
        if (!configured.isEmpty()) {
            return new WorkerCommand(configured, true);
        }
        return new WorkerCommand(List.of(currentJava(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", ownClassPath(),
                DemoWorker.class.getName()), false);
    }

    /** The argv of the instance of slot {@code id} on {@code port}. */
    List<String> forInstance(String id, int port) {
        return fromSettings ? argv.stream().map(arg -> expand(arg, id, port)).toList() : argv;
    }

    /** {@code text} (a command element or an env value from the settings) for the instance of slot {@code id} on {@code port}. */
    static String expand(String text, String id, int port) {
        return Placeholders.expand(text, Map.of("port", Integer.toString(port), "id", id));
    }

    @Override
    public String toString() {
        return String.join(" ", argv);
    }

    /** The java binary that runs this edge, so the demo worker needs no java on the PATH. */
    private static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Where the demo worker's classes are: Shepherd's jar, or a classes directory in a build. */
    private static String ownClassPath() {
        try {
            return Path.of(DemoWorker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the demo worker's classes", e);
        }
    }
}
