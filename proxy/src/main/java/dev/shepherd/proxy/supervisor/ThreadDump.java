package dev.shepherd.proxy.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try {
            // To a file, not a pipe: a dump larger than the pipe's buffer would stall jcmd until we read.
            output = Files.createTempFile("shepherd-dump-", ".txt");
            Process process = new ProcessBuilder(jcmd.get().toString(), Long.toString(pid), "Thread.print")
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
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    private static Optional<Path> jcmd() {
        Path home = Path.of(System.getProperty("java.home"));
        return Optional.of(home.resolve("bin").resolve("jcmd")).filter(Files::isExecutable);
    }
}
