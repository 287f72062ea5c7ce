package dev.shepherd.proxy.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The endpoints traffic may go to, with each one's state, health and open connections: the one
 * place that knows them all ({@link #status()}). The load balancer reads {@link #eligible()}, an
 * immutable snapshot of the {@link EndpointState#UP} endpoints, replaced on every change.
 */
public final class EndpointGroup {
    private final Map<Endpoint, Member> members = new ConcurrentHashMap<>();
    private final List<Endpoint> order = new ArrayList<>();
    private volatile List<Endpoint> eligible = List.of();
    private volatile BiConsumer<Endpoint, String> connectFailures = (endpoint, why) -> { };

    /** Adds {@code endpoint} as UP or STARTING; adding a known endpoint again only sets that. */
    public synchronized void add(Endpoint endpoint, boolean up) {
        if (!members.containsKey(endpoint)) {
            members.put(endpoint, new Member());
            order.add(endpoint);
        }
        setState(endpoint, up ? EndpointState.UP : EndpointState.STARTING);
    }

    /** Sets the endpoint's state; only UP endpoints are eligible for new connections. */
    public synchronized void setState(Endpoint endpoint, EndpointState state) {
        Member member = members.get(endpoint);
        if (member != null) {
            member.state = state;
            refresh();
        }
    }

    /** Records what the health checks say of the endpoint, for {@link #status()}. */
    public void setHealth(Endpoint endpoint, String health) {
        Member member = members.get(endpoint);
        if (member != null) {
            member.health = health;
        }
    }

    /** Every endpoint as it is now, in the order added. */
    public synchronized List<EndpointStatus> status() {
        return order.stream().map(endpoint -> {
            Member member = members.get(endpoint);
            return new EndpointStatus(endpoint, member.state, member.health, member.active.get());
        }).toList();
    }

    /** Who hears of failed connects (the passive health check). */
    public void onConnectFailure(BiConsumer<Endpoint, String> listener) {
        connectFailures = listener;
    }

    /** Called by the proxy when a connect to {@code endpoint} was refused or timed out. */
    public void connectFailed(Endpoint endpoint, String why) {
        connectFailures.accept(endpoint, why);
    }

    public synchronized void remove(Endpoint endpoint) {
        members.remove(endpoint);
        order.remove(endpoint);
        refresh();
    }

    /** The eligible endpoints, in the order they were added. */
    public List<Endpoint> eligible() {
        return eligible;
    }

    public int activeConnections(Endpoint endpoint) {
        Member member = members.get(endpoint);
        return member == null ? 0 : member.active.get();
    }

    /**
     * Counts a connection to {@code endpoint} unless it already has {@code cap} open.
     *
     * @return the lease to release when the connection closes, or {@code null} at the cap or for an
     *     endpoint not in the group
     */
    public Lease tryOpenConnection(Endpoint endpoint, int cap) {
        Member member = members.get(endpoint);
        if (member == null) {
            return null;
        }
        while (true) {
            int active = member.active.get();
            if (active >= cap) {
                return null;
            }
            if (member.active.compareAndSet(active, active + 1)) {
                return new Lease(endpoint, member);
            }
        }
    }

    private void refresh() {
        eligible = order.stream().filter(endpoint -> members.get(endpoint).state == EndpointState.UP).toList();
    }

    private static final class Member {
        final AtomicInteger active = new AtomicInteger();
        EndpointState state; // written under the group's lock
        volatile String health = "not checked yet";
    }

    /**
     * One connection counted on an endpoint. It is released on the member it was taken from, so a
     * connection that outlives its endpoint's removal never touches a re-added endpoint's count.
     * Used from the connection's own event loop only.
     */
    public static final class Lease {
        private final Endpoint endpoint;
        private final Member member;
        private boolean released;

        private Lease(Endpoint endpoint, Member member) {
            this.endpoint = endpoint;
            this.member = member;
        }

        public Endpoint endpoint() {
            return endpoint;
        }

        /** Uncounts the connection; later calls do nothing. */
        public void release() {
            if (!released) {
                released = true;
                member.active.decrementAndGet();
            }
        }
    }
}
