package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

/**
 * A {@code backends} entry found through DNS, re-resolved as the records' TTL says (see
 * {@link DiscoverySettings}): {@code dns:NAME:PORT}, every address NAME resolves to (A and AAAA
 * records) on PORT; or {@code srv:NAME} ({@code srv:_http._tcp.app.example}), every target of
 * NAME's SRV records of the lowest priority, each on the port its record gives.
 *
 * @param port the port of a {@code dns:} entry; 0 for an {@code srv:} entry, whose records give it
 */
public record DnsBackend(String name, int port, boolean srv) {
    static final String PREFIX = "dns:";
    static final String SRV_PREFIX = "srv:";

    public DnsBackend {
        requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("no name");
        }
        if (srv ? port != 0 : port < 1 || port > 65535) {
            throw new IllegalArgumentException(srv ? "an srv: entry takes its ports from its records" : "port must be in 1..65535, got " + port);
        }
    }

    /** {@code dns:NAME:PORT}. */
    public DnsBackend(String name, int port) {
        this(name, port, false);
    }

    /** {@code srv:NAME}. */
    public static DnsBackend srv(String name) {
        return new DnsBackend(name, 0, true);
    }

    /** Whether {@code text} is a {@code dns:} or {@code srv:} entry. */
    static boolean isOne(String text) {
        return text.startsWith(PREFIX) || text.startsWith(SRV_PREFIX);
    }

    /** Parses {@code dns:NAME:PORT} or {@code srv:NAME}. */
    static DnsBackend parse(String text) {
        if (text.startsWith(SRV_PREFIX)) {
            String name = text.substring(SRV_PREFIX.length());
            if (name.isEmpty() || name.contains(":")) {
                throw new IllegalArgumentException("'" + text + "' is not srv:NAME (the SRV records give the ports)");
            }
            return srv(name);
        }
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
        return srv ? SRV_PREFIX + name : PREFIX + name + ":" + port;
    }
}
