package dev.shepherd.proxy.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A worker's thread dump, taken with {@code jcmd PID Thread.print} when the edge's JDK has jcmd. */
final class ThreadDump {
    private static final long TIMEOUT_SECONDS = 5;

    private ThreadDump() {}

    /** The dump, or why there is none; gives up after 5 s (a stopped JVM never answers). */
    static String of(long pid) {
        Optional<Path> jcmd = jcmd();
        if (jcmd.isEmpty()) {
            return "no thread dump: jcmd not found next to " + System.getProperty("java.home");
        }
        Path output = null;
        // jcmd drops .attach_pid<pid> in the target's working directory (or /tmp) and, when the
        // target never answers, leaves it behind: it is removed below.
        List<Path> attachFiles = attachFiles(pid);
        Process process = null;
        try {
            // To a file, not a pipe: a dump larger than the pipe's buffer would stall jcmd until we read.
            output = Files.createTempFile("shepherd-dump-", ".txt");
            process = new ProcessBuilder(jcmd.get().toString(), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "no thread dump: jcmd did not answer within " + TIMEOUT_SECONDS + " s";
            }
            String dump = Files.readString(output, StandardCharsets.UTF_8);
            return process.exitValue() == 0 ? dump : "no thread dump: jcmd exited " + process.exitValue() + ": " + dump.strip();
        } catch (IOException e) {
            return "no thread dump: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no thread dump: interrupted";
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            if (output != null) {
                output.toFile().delete();
            }
            attachFiles.forEach(file -> file.toFile().delete());
        }
    }

    private static List<Path> attachFiles(long pid) {
        String name = ".attach_pid" + pid;
        List<Path> files = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.io.tmpdir"), name)));
        try {
            files.add(Path.of("/proc", Long.toString(pid), "cwd").toRealPath().resolve(name));
        } catch (IOException | RuntimeException e) {
            // no /proc, or the process is gone: only the temp directory's file is possible
        }
        return files;
    }

    private static Optional<Path> jcmd() {
        Path home = Path.of(System.getProperty("java.home"));
        return Optional.of(home.resolve("bin").resolve("jcmd")).filter(Files::isExecutable);
    }
}
