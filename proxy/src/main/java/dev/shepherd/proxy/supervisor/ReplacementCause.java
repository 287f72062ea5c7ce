package dev.shepherd.proxy.supervisor;

import java.util.Locale;

/** Why the edge replaced a serving worker by itself, the rolling way (an operator's restart is not counted here). */
public enum ReplacementCause {
    /** Its resident memory stayed above {@code workers.max-memory}. */
    MEMORY,
    /** The worker asked ({@code requestReplacement}, or after an uncaught exception). */
    ASKED,
    /** It broke the control protocol. */
    PROTOCOL,
    /**
     * UNHEALTHY past {@code workers.unhealthy-restart-after}: out of rotation already, so it is
     * restarted in place in its turn (stopped, then respawned) and counted as a restart, cause
     * {@code unhealthy}, not as a replacement.
     */
    UNHEALTHY;

    /** Whether the worker is replaced the rolling way (its replacement UP first) and counted as a replacement. */
    public boolean rolling() {
        return this != UNHEALTHY;
    }

    /** The tag value: {@code memory}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
