package dev.shepherd.proxy.supervisor;

import java.util.Locale;

/** Why the edge replaced a serving worker by itself, the rolling way (an operator's restart is not counted here). */
public enum ReplacementCause {
    /** Its resident memory stayed above {@code workers.max-memory}. */
    MEMORY,
    /** The worker asked ({@code requestReplacement}, or after an uncaught exception). */
    ASKED,
    /** It broke the control protocol. */
    PROTOCOL;

    /** The tag value: {@code memory}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
