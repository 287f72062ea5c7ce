package dev.shepherd.proxy.supervisor;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Why a worker's process ended, or why it never started, in words for logs and status.
 *
 * @param description what happened, e.g. {@code exit code 1} or {@code hung: no heartbeat for 10012 ms, killed}
 */
public record ExitCause(String description) {
    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 6, "SIGABRT",
            8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 15, "SIGTERM");

    public ExitCause {
        requireNonNull(description, "description");
    }

    /**
     * The process ended by itself. The JDK reports death by signal N as exit code 128 + N, as
     * shells do, so such a code names the signal too.
     */
    static ExitCause exited(int code) {
        int signal = code - 128;
        if (signal > 0 && signal < 65) {
            return new ExitCause("exit code " + code + " (signal " + signal
                    + (SIGNALS.containsKey(signal) ? ", " + SIGNALS.get(signal) : "") + ")");
        }
        return new ExitCause("exit code " + code);
    }

    static ExitCause stopped(int code) {
        return new ExitCause("stopped by Shepherd, exit code " + code);
    }

    static ExitCause missedHeartbeats(Duration silence) {
        return new ExitCause("hung: no heartbeat for " + silence.toMillis() + " ms, killed");
    }

    static ExitCause notReady(Duration readyTimeout) {
        return new ExitCause("not UP within " + readyTimeout.toMillis() + " ms, killed");
    }

    static ExitCause cannotStart(List<String> command, String why) {
        return new ExitCause("cannot start " + command + ": " + why);
    }

    static ExitCause portInUse(int port) {
        return new ExitCause("port " + port + " is already in use by another process");
    }

    @Override
    public String toString() {
        return description;
    }
}
