package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.WorkerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What would make the workers fail to start, found without starting them ({@code shepherd
 * check}): a program that exec cannot find or run, a working directory that is not there, ports
 * of the workers' range that another process holds.
 */
public final class WorkerPreflight {
    private WorkerPreflight() {}

    /** One line per problem, each naming its key; empty when the workers would start. */
    public static List<String> problems(WorkerSettings workers) {
        List<String> problems = new ArrayList<>();
        if (workers.count() == 0) {
            return problems;
        }
        Path directory = workers.directory();
        if (directory != null && !Files.isDirectory(directory)) {
            problems.add("workers.directory: " + directory + " is not a directory");
        }
        WorkerCommand command = WorkerCommand.of(workers.command());
        String program = command.forInstance("0", workers.firstPort()).get(0);
        if (ProcessStarter.onPath(program, directory).isEmpty()) {
            problems.add("workers.command: '" + program + "' " + (program.contains("/")
                    ? "is not an executable file" + (directory != null && !Path.of(program).isAbsolute() ? " in " + directory : "")
                    : "is not found on the PATH (" + System.getenv("PATH") + ")"));
        }
        for (int i = 0; i < workers.count(); i++) {
            int port = workers.firstPort() + i;
            if (!PortCheck.isFree(port)) {
                problems.add("workers.first-port: worker " + i + "'s port " + port + " is in use"
                        + PortHolder.of(port).map(holder -> " by " + holder).orElse(""));
            }
        }
        return problems;
    }
}
