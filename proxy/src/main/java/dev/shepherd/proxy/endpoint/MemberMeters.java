package dev.shepherd.proxy.endpoint;

/**
 * Where an endpoint's meters live while it is in the group: registered by {@link Factory#joined}
 * as it joins, removed by {@link #close()} as it leaves, so the series of an endpoint gone never
 * linger and one that comes back on the same port starts from zero.
 */
public interface MemberMeters extends AutoCloseable {
    MemberMeters NONE = new MemberMeters() {
        @Override
        public void connected(long nanos) {}

        @Override
        public void close() {}
    };

    /** A connect to the endpoint took {@code nanos}. From the traffic's event loops: must not block. */
    void connected(long nanos);

    @Override
    void close();

    /** Registers the meters of an endpoint as it joins the group. */
    @FunctionalInterface
    interface Factory {
        Factory NONE = member -> MemberMeters.NONE;

        MemberMeters joined(EndpointGroup.Member member);
    }
}
