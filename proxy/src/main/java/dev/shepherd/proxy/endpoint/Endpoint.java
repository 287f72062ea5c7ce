package dev.shepherd.proxy.endpoint;

import static java.util.Objects.requireNonNull;

/**
 * One {@code host:port} that traffic may go to. A static endpoint comes from {@code backends} and
 * is named by its address; a managed one belongs to a worker and is named by the worker's id.
 */
public record Endpoint(String id, String host, int port) {

    public Endpoint {
        requireNonNull(id, "id");
        requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, got " + port);
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6-literal]:port}; an IPv6 literal needs its brackets,
     * since otherwise its last colon is ambiguous. The endpoint's id is the text as given.
     */
    public static Endpoint parse(String hostPort) {
        requireNonNull(hostPort, "hostPort");
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("'" + hostPort + "' is not [ipv6]:port");
            }
            host = hostPort.substring(1, close);
            port = hostPort.substring(close + 2);
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0 || hostPort.indexOf(':') != colon) {
                throw new IllegalArgumentException("'" + hostPort + "' is not host:port");
            }
            host = hostPort.substring(0, colon);
            port = hostPort.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + hostPort + "' has no host");
        }
        if (!port.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("'" + hostPort + "' has no numeric port");
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException("'" + hostPort + "' has a port outside 1..65535");
        }
        return new Endpoint(hostPort, host, number);
    }

    @Override
    public String toString() {
        return id;
    }
}
