package dev.shepherd.proxy.config;

/**
 * Whether the workers speak Shepherd's control protocol (link worker-runtime), known before they
 * start: {@code workers.protocol}.
 */
public enum WorkerProtocol {
    /** The built-in demo worker speaks it; any other command is admitted on ready if its channel opened before its checks passed. */
    AUTO,
    /** Every instance must say ready: passing health checks alone never admit it. */
    RUNTIME,
    /** No control channel is offered: instances are admitted on health checks alone. */
    NONE
}
