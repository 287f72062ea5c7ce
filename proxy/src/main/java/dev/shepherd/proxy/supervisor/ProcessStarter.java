package dev.shepherd.proxy.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
     * Where util-linux's {@code setpriv} is installed, the worker is started through it with
     * {@code --pdeathsig KILL} (it then execs the command, same pid): the kernel kills the worker
     * when the edge dies, even by SIGKILL, so no worker outlives it and holds its port.
     */
    static ProcessStarter system(Path directory) {
        Optional<Path> setpriv = onPath("setpriv", null);
        return (command, extraEnv) -> {
            List<String> argv = command;
            if (setpriv.isPresent()) {
                // setpriv would report a missing program only by its exit code: say it as exec would.
                if (onPath(command.get(0), directory).isEmpty()) {
                    throw new IOException("error=2, No such file or directory");
                }
                argv = new ArrayList<>(List.of(setpriv.get().toString(), "--pdeathsig", "KILL", "--"));
                argv.addAll(command);
            }
            ProcessBuilder builder = new ProcessBuilder(argv);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().keySet().removeIf(ProcessStarter::isEdgeSecret);
            builder.environment().putAll(extraEnv);
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return builder.start();
        };
    }

    /** {@code program} as exec finds it: a path (from {@code directory} when relative), or a name on PATH. */
    static Optional<Path> onPath(String program, Path directory) {
        if (program.contains("/")) {
            Path path = directory == null ? Path.of(program) : directory.resolve(program);
            return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String path = System.getenv("PATH");
        for (String entry : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
