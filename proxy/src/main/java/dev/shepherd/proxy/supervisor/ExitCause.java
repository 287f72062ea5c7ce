package dev.shepherd.proxy.supervisor;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why a worker's process ended, or why it never started, in words for logs and status.
 *
 * @param kind the cause in a word, for metrics tags
 * @param description what happened, e.g. {@code exit code 1} or {@code hung: no heartbeat for 10012 ms, killed}
 */
public record ExitCause(Kind kind, String description) {

    /** The causes a metric counts restarts by. */
    public enum Kind {
        /** It exited by itself with a code. */
        EXIT_CODE,
        /** A signal ended it (not sent by the edge's own stop). */
        SIGNAL,
        /** Its heartbeats stopped: the edge killed it. */
        HUNG,
        /** Not UP within ready-timeout: the edge killed it. */
        NOT_READY,
        /** Unhealthy past unhealthy-restart-after: the edge restarted it. */
        UNHEALTHY,
        /** It could not be started at all. */
        START_FAILED,
        /** The edge stopped it on purpose (a stop, a replacement, a scale-down). */
        REQUESTED;

        /** The tag value: {@code not_ready}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 6, "SIGABRT",
            8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 15, "SIGTERM");

    public ExitCause {
        requireNonNull(kind, "kind");
        requireNonNull(description, "description");
    }

    /**
     * The process ended by itself, or by a signal someone else sent. The JDK reports death by
     * signal N as exit code 128 + N, as shells do, so such a code is read as the signal.
     */
    static ExitCause exited(int code) {
        int signal = code - 128;
        if (signal > 0 && signal < 65) {
            return new ExitCause(Kind.SIGNAL, onSignal(signal, code) + ", not sent by the edge");
        }
        return new ExitCause(Kind.EXIT_CODE, "exit code " + code);
    }

    /**
     * The edge stopped it on purpose.
     *
     * @param signalSent the last signal the edge's stop sent ({@code SIGTERM}, {@code SIGKILL}), or {@code null}
     */
    static ExitCause stopped(int code, String signalSent) {
        int signal = code - 128;
        if (signal > 0 && signal < 65) {
            boolean ours = SIGNALS.getOrDefault(signal, "").equals(signalSent);
            return new ExitCause(Kind.REQUESTED, "stopped by the edge: " + onSignal(signal, code)
                    + (ours ? ", sent by the edge" : ", not sent by the edge"));
        }
        return new ExitCause(Kind.REQUESTED, "stopped by the edge: exit code " + code);
    }

    /** {@code killed by SIGKILL (exit code 137)}, {@code exited on SIGTERM (exit code 143)}. */
    private static String onSignal(int signal, int code) {
        String name = SIGNALS.getOrDefault(signal, "signal " + signal);
        return (signal == 9 ? "killed by " : "exited on ") + name + " (exit code " + code + ")";
    }

    static ExitCause missedHeartbeats(Duration silence) {
        return new ExitCause(Kind.HUNG, "hung: no heartbeat for " + silence.toMillis() + " ms, killed");
    }

    static ExitCause notReady(Duration readyTimeout) {
        return new ExitCause(Kind.NOT_READY, "not UP within " + readyTimeout.toMillis() + " ms, killed");
    }

    static ExitCause cannotStart(List<String> command, String why) {
        return new ExitCause(Kind.START_FAILED, "cannot start " + command + ": " + why);
    }

    static ExitCause portInUse(int port) {
        return new ExitCause(Kind.START_FAILED, "port " + port + " is already in use by another process"
                + PortHolder.of(port).map(holder -> ": " + holder).orElse(""));
    }

    static ExitCause startFailed(String why) {
        return new ExitCause(Kind.START_FAILED, why);
    }

    static ExitCause unhealthy(Duration grace) {
        return new ExitCause(Kind.UNHEALTHY, "unhealthy for " + grace.toMillis() + " ms, restarted");
    }

    @Override
    public String toString() {
        return description;
    }
}
