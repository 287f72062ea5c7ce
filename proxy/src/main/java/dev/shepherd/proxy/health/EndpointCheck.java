package dev.shepherd.proxy.health;

/** The running health checks of one endpoint. */
public interface EndpointCheck extends AutoCloseable {
    /** Runs the next check now (unless one is under way), e.g. when a worker says it is ready. */
    void checkNow();

    /** Stops checking. */
    @Override
    void close();
}
