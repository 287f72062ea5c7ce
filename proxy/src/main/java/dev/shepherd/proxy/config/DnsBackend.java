package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

/**
 * A {@code backends} entry written {@code dns:NAME:PORT}: every address NAME resolves to (A and
 * AAAA records), on PORT, re-resolved as the records' TTL says (see {@link DiscoverySettings}).
 */
public record DnsBackend(String name, int port) {
    static final String PREFIX = "dns:";

    public DnsBackend {
        requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("no name");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, got " + port);
        }
    }

    /** Parses {@code dns:NAME:PORT}. */
    static DnsBackend parse(String text) {
        String rest = text.substring(PREFIX.length());
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || !rest.substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException("'" + text + "' is not dns:NAME:PORT");
        }
        int port = Integer.parseInt(rest.substring(colon + 1));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' has a port outside 1..65535");
        }
        return new DnsBackend(rest.substring(0, colon), port);
    }

    @Override
    public String toString() {
        return PREFIX + name + ":" + port;
    }
}
