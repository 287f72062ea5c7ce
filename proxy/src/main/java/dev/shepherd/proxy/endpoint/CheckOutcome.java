package dev.shepherd.proxy.endpoint;

import java.util.Locale;

/**
 * What one active health check of an endpoint came to. An inconclusive check failed on the edge's
 * side (no descriptors or local ports left) and says nothing about the endpoint.
 */
public enum CheckOutcome {
    PASSED, FAILED, INCONCLUSIVE;

    /** The metric tag: {@code passed}, {@code failed}, {@code inconclusive}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
