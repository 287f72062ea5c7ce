package dev.shepherd.proxy.supervisor;

import dev.shepherd.worker.demo.DemoWorker;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The argv a worker is started with: {@code workers.command}, or the demo worker when it is empty. */
final class WorkerCommand {
    private WorkerCommand() {}

    static List<String> resolve(List<String> configured) {
        if (!configured.isEmpty()) {
            return configured;
        }
        return List.of(currentJava(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", ownClassPath(), DemoWorker.class.getName());
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
