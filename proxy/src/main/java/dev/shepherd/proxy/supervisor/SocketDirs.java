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
 * the temporary directory, which only the edge's user may open. An edge killed with SIGKILL cannot
 * delete its own; the next edge deletes those whose edge is no longer running.
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
                delete(dir);
                deleted++;
                log.info("deleted {}, left by an edge (pid {}) that is no longer running", dir, pid);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot look for stale socket directories in {}: {}", tmp, e.toString());
        }
        return deleted;
    }

    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", dir, e.toString());
        }
    }
}
