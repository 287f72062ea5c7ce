package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

/** Where the front proxy accepts client connections. */
public record ListenSpec(String host, int port) {
    public ListenSpec {
        requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
