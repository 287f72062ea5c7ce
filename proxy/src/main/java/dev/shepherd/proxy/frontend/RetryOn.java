package dev.shepherd.proxy.frontend;

/** The failures after which a client's connection is tried on another endpoint (HAProxy's {@code retry-on}). */
public enum RetryOn {
    /** A connect that was refused or timed out: nothing reached the endpoint. */
    CONNECT_FAILURE,
    /**
     * The endpoint closed or reset the connection before its first byte: the client's first bytes,
     * kept until then, are sent again to another endpoint. Safe only where the first request may be
     * repeated (an idempotent request, a read), as the endpoint may have acted on it before it went.
     */
    EMPTY_RESPONSE
}
