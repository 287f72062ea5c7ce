package dev.shepherd.proxy.supervisor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories that hold the workers' control sockets: one per edge, {@code shepherd-PID-*} in
 * the temporary directory, which only the edge's user may open. Each running worker also has a
 * {@code .pid} file there: its pid and start time. An edge killed with SIGKILL cannot clean up;
 * the next edge kills the workers such a directory still records (when the process with that pid
 * started at the recorded time: a reused pid is left alone), then deletes it. Where setpriv's
 * parent-death signal is missing, this is what keeps a dead edge's workers from holding their
 * ports for ever.
 */
final class SocketDirs {
    private static final Logger log = LoggerFactory.getLogger(SocketDirs.class);
    private static final Pattern NAME = Pattern.compile("shepherd-(\\d+)-.+");

    private SocketDirs() {}

    /** Deletes the socket directories of edges no longer running, then creates this edge's. */
    static Path create(Path tmp) throws IOException {
        cleanStale(tmp);
        return Files.createTempDirectory(tmp, "shepherd-" + ProcessHandle.current().pid() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    static Path create() throws IOException {
        return create(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Deletes {@code shepherd-PID-*} directories in {@code tmp} whose PID is not a running process. */
    static int cleanStale(Path tmp) {
        int deleted = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "shepherd-*")) {
            for (Path dir : dirs) {
                Matcher name = NAME.matcher(dir.getFileName().toString());
                if (!name.matches() || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
                    continue;
                }
                long pid = Long.parseLong(name.group(1));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                reapRecordedWorkers(dir, pid);
                delete(dir);
                deleted++;
                log.info("deleted {}, left by an edge (pid {}) that is no longer running", dir, pid);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot look for stale socket directories in {}: {}", tmp, e.toString());
        }
        return deleted;
    }

    /** Notes that process {@code pid} runs as worker {@code name}, for the next edge if this one is killed. */
    static void record(Path dir, String name, long pid) {
        ProcessHandle.of(pid).flatMap(process -> process.info().startInstant()).ifPresent(started -> {
            try {
                Files.writeString(dir.resolve(name + ".pid"), pid + " " + started.toEpochMilli() + "\n");
            } catch (IOException e) {
                log.debug("cannot record {} in {}: {}", name, dir, e.toString());
            }
        });
    }

    /** The worker {@code name} has exited: nothing to reap. */
    static void forget(Path dir, String name) {
        try {
            Files.deleteIfExists(dir.resolve(name + ".pid"));
        } catch (IOException e) {
            log.debug("cannot delete {}'s pid file: {}", name, e.toString());
        }
    }

    /** SIGKILL to each worker the dead edge {@code edgePid} recorded in {@code dir} that still runs as it started. */
    private static void reapRecordedWorkers(Path dir, long edgePid) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pid")) {
            for (Path file : files) {
                try {
                    reap(file, edgePid);
                } catch (IOException | RuntimeException e) {
                    log.debug("cannot read {}: {}", file, e.toString()); // the others are still read
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot read the workers recorded in {}: {}", dir, e.toString());
        }
    }

    private static void reap(Path file, long edgePid) throws IOException {
        String[] fields = Files.readString(file).trim().split(" ");
        if (fields.length != 2) {
            return;
        }
        long pid = Long.parseLong(fields[0]);
        long started = Long.parseLong(fields[1]);
        ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(process -> process.info().startInstant().map(i -> i.toEpochMilli() == started).orElse(false))
                .ifPresent(process -> {
                    process.destroyForcibly();
                    log.warn("killed pid {} ({}), a worker left running by an edge (pid {}) that is no longer running",
                            pid, file.getFileName().toString().replace(".pid", ""), edgePid);
                });
    }

    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", dir, e.toString());
        }
    }
}
