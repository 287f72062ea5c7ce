package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.Placeholders;
import dev.shepherd.worker.demo.DemoWorker;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The argv workers are started with: {@code workers.command}, whose {@code {port}} and {@code {id}}
 * each instance gets replaced with its own, or the demo worker when it is empty. The demo worker
 * maps its class data sharing archive when one lies beside Shepherd's jar ({@link #DEMO_ARCHIVE}),
 * which it wrote itself when StartupTraining ran it with {@link #TRAINING_PROPERTY} set.
 *
 * @param fromSettings whether {@code argv} is the user's (and holds placeholders) rather than the demo's
 */
public record WorkerCommand(List<String> argv, boolean fromSettings) {
    /**
     * The demo worker's class data sharing archive, in the directory of the jar it serves, named
     * for the JVM that made it: the demo worker runs on the edge's JVM, and another JVM's archive
     * would only be refused with a warning at every spawn.
     */
    public static final String DEMO_ARCHIVE = "demo-worker-" + Runtime.version() + ".jsa";
    /** Set by StartupTraining to the file the demo worker archives its classes into as it exits. */
    public static final String TRAINING_PROPERTY = "dev.shepherd.training.demo-archive";

    public WorkerCommand {
        argv = List.copyOf(argv);
    }

    static WorkerCommand of(List<String> configured) {
        if (!configured.isEmpty()) {
            return new WorkerCommand(configured, true);
        }
        Path classPath = ownClassPath();
        String training = System.getProperty(TRAINING_PROPERTY);
        List<String> archive = training != null ? List.of("-XX:ArchiveClassesAtExit=" + training, "-Xlog:cds*=error")
                : demoArchive(classPath).filter(Files::isRegularFile).map(file -> List.of("-XX:SharedArchiveFile=" + file))
                        .orElse(List.of());
        return new WorkerCommand(demo(classPath, archive), false);
    }

    /** The demo worker's argv: Shepherd's own classes, {@code jvmOptions} among its JVM's. */
    static List<String> demo(Path classPath, List<String> jvmOptions) {
        List<String> argv = new ArrayList<>(List.of(currentJava(), "-Xmx64m", "-XX:+UseSerialGC"));
        argv.addAll(jvmOptions);
        argv.addAll(List.of("-cp", classPath.toString(), DemoWorker.class.getName()));
        return argv;
    }

    /** Where the demo worker's archive belongs: beside Shepherd's jar; none when the classes are a directory (a build's). */
    public static Optional<Path> demoArchive() {
        return demoArchive(ownClassPath());
    }

    static Optional<Path> demoArchive(Path classPath) {
        return classPath.getFileName().toString().endsWith(".jar") ? Optional.of(classPath.resolveSibling(DEMO_ARCHIVE))
                : Optional.empty();
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
    private static Path ownClassPath() {
        try {
            return Path.of(DemoWorker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the demo worker's classes", e);
        }
    }
}
