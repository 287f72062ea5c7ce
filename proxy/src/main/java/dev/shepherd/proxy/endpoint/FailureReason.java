package dev.shepherd.proxy.endpoint;

import java.util.Locale;

/** Why a connect attempt to an endpoint, or a client connection as a whole, failed. */
public enum FailureReason {
    /** The endpoint refused the connection (nothing listening on its port). */
    CONNECT_REFUSED,
    /** The endpoint did not accept within {@code connect-timeout}. */
    CONNECT_TIMEOUT,
    /** Any other error while connecting, such as no route to the host. */
    CONNECT_FAILED,
    /** No endpoint was eligible, or every eligible one had already been tried (with queue-timeout 0, or after a failed connect). */
    NO_ELIGIBLE_ENDPOINT,
    /** Every eligible endpoint had {@code max-connections-per-endpoint} open (with queue-timeout 0). */
    OVER_CAPACITY,
    /** The endpoint closed or reset the connection before its first byte, and it was not replayed. */
    EMPTY_RESPONSE,
    /** The endpoint sent no byte within {@code first-byte-timeout} of the client's first bytes. */
    FIRST_BYTE_TIMEOUT,
    /** No endpoint could take a new client (none eligible, or all at their cap) within {@code queue-timeout}. */
    QUEUE_TIMEOUT;

    /** Whether the failure is one endpoint's, and so counted on it too: a failed connect or answer. */
    public boolean endpoints() {
        return this != NO_ELIGIBLE_ENDPOINT && this != OVER_CAPACITY && this != QUEUE_TIMEOUT;
    }

    /** The metric tag and log word: {@code connect_refused}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
