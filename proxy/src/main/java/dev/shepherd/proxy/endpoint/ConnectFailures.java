package dev.shepherd.proxy.endpoint;

/** Where the proxy reports a connect to an endpoint that was refused or timed out (passive health). */
@FunctionalInterface
public interface ConnectFailures {
    ConnectFailures IGNORED = (endpoint, why) -> { };

    void connectFailed(Endpoint endpoint, String why);
}
