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

    /** The pid of a process that has exited. */
    private static long deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }
}
