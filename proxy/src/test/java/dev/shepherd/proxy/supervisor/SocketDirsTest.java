package dev.shepherd.proxy.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketDirsTest {
    @TempDir
    Path tmp;

    @Test
    void theDirectoriesOfEdgesNoLongerRunningAreDeletedAndTheLiveOnesKept() throws Exception {
        long dead = deadPid();
        Path stale = Files.createDirectory(tmp.resolve("shepherd-" + dead + "-123"));
        Files.writeString(stale.resolve("worker-0-1.sock"), "");
        Path live = Files.createDirectory(tmp.resolve("shepherd-" + ProcessHandle.current().pid() + "-456"));
        Path unrelated = Files.createDirectory(tmp.resolve("shepherd-notes"));

        Path mine = SocketDirs.create(tmp);

        assertThat(stale).doesNotExist();
        assertThat(live).exists();
        assertThat(unrelated).exists();
        assertThat(mine.getFileName().toString()).startsWith("shepherd-" + ProcessHandle.current().pid() + "-");
        assertThat(Files.getPosixFilePermissions(mine)).hasSize(3); // rwx for the owner alone
    }

    @Test
    void aWorkerRecordedByAnEdgeNoLongerRunningIsKilledButAReusedPidIsNot() throws Exception {
        Path stale = Files.createDirectory(tmp.resolve("shepherd-" + deadPid() + "-789"));
        Process leftover = new ProcessBuilder("sleep", "60").start();
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            SocketDirs.record(stale, "worker-0-1", leftover.pid());
            // A pid file whose start time is not the running process's: that pid was reused.
            Files.writeString(stale.resolve("worker-1-1.pid"), other.pid() + " 12345\n");

            SocketDirs.cleanStale(tmp);

            assertThat(leftover.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).as("the dead edge's worker, killed").isTrue();
            assertThat(other.isAlive()).as("a process that only has a recorded pid").isTrue();
            assertThat(stale).doesNotExist();
        } finally {
            leftover.destroyForcibly();
            other.destroyForcibly();
        }
    }

    @Test
    void aWorkerThatExitedIsForgotten() throws Exception {
        Path mine = SocketDirs.create(tmp);
        SocketDirs.record(mine, "worker-0-1", ProcessHandle.current().pid());
        assertThat(mine.resolve("worker-0-1.pid")).content().startsWith(ProcessHandle.current().pid() + " ");
        SocketDirs.forget(mine, "worker-0-1");
        assertThat(mine.resolve("worker-0-1.pid")).doesNotExist();
    }

    /** The pid of a process that has exited. */
    private static long deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }
}
