package dev.shepherd.proxy.endpoint;

/**
 * Whether an operator, or the edge's own planned stop, lets an endpoint take new connections,
 * apart from its health (HAProxy's server admin state).
 */
public enum AdminState {
    /** In rotation while healthy. */
    READY,
    /** No new connections; open ones go on until they end. */
    DRAIN
}
