package dev.shepherd.proxy.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoints traffic may go to, whether each is eligible, and how many connections each has
 * open. The load balancer reads {@link #eligible()}, an immutable snapshot replaced on every change.
 */
public final class EndpointGroup {
    private final Map<Endpoint, Member> members = new ConcurrentHashMap<>();
    private final List<Endpoint> order = new ArrayList<>();
    private volatile List<Endpoint> eligible = List.of();

    /** Adds {@code endpoint}, eligible or not; adding a known endpoint again only sets its eligibility. */
    public synchronized void add(Endpoint endpoint, boolean isEligible) {
        if (!members.containsKey(endpoint)) {
            members.put(endpoint, new Member());
            order.add(endpoint);
        }
        setEligible(endpoint, isEligible);
    }

    public synchronized void setEligible(Endpoint endpoint, boolean isEligible) {
        Member member = members.get(endpoint);
        if (member != null) {
            member.eligible = isEligible;
            refresh();
        }
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
        eligible = order.stream().filter(endpoint -> members.get(endpoint).eligible).toList();
    }

    private static final class Member {
        final AtomicInteger active = new AtomicInteger();
        boolean eligible; // written and read under the group's lock
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
