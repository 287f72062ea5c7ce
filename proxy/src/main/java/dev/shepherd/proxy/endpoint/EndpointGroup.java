package dev.shepherd.proxy.endpoint;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The endpoints traffic may go to. Each is a {@link Member}, held by the endpoint's one owner (a
 * worker instance, a static backend), which sets its state, admin state and weight; the group
 * decides eligibility from the three, in one place ({@link Member#eligible}), and gives the
 * balancer {@link #eligible()}, an immutable snapshot replaced on every change.
 */
public final class EndpointGroup implements EndpointLoad {
    private final Map<Endpoint, Member> members = new ConcurrentHashMap<>();
    private final List<Member> order = new ArrayList<>(); // under this object's lock
    private volatile List<Endpoint> eligible = List.of();
    private volatile boolean uniformWeights = true;
    private final MemberMeters.Factory meters;

    /** A group whose endpoints are not metered. */
    public EndpointGroup() {
        this(MemberMeters.Factory.NONE);
    }

    /** @param meters registers each endpoint's meters as it joins; they are removed as it leaves */
    public EndpointGroup(MemberMeters.Factory meters) {
        this.meters = requireNonNull(meters, "meters");
    }

    /**
     * Adds {@code endpoint}: STARTING (not eligible), admin state ready, full weight.
     *
     * @param kind {@code worker} or {@code static}, for status
     * @return its member, for its owner alone
     */
    public synchronized Member add(Endpoint endpoint, String kind) {
        requireNonNull(endpoint, "endpoint");
        if (members.containsKey(endpoint)) {
            throw new IllegalStateException("endpoint " + endpoint + " is already in the group");
        }
        Member member = new Member(endpoint, kind);
        member.meters = meters.joined(member);
        members.put(endpoint, member);
        order.add(member);
        return member;
    }

    /** The eligible endpoints, in the order they were added. */
    public List<Endpoint> eligible() {
        return eligible;
    }

    @Override
    public int activeConnections(Endpoint endpoint) {
        Member member = members.get(endpoint);
        return member == null ? 0 : member.active.get();
    }

    @Override
    public int weight(Endpoint endpoint) {
        Member member = members.get(endpoint);
        return member == null ? 0 : member.weight;
    }

    @Override
    public boolean uniformWeights() {
        return uniformWeights;
    }

    /**
     * Counts a connection to {@code endpoint} unless it has {@code cap} open or is no longer
     * eligible (a client may hold a snapshot taken before a drain or an exit). Eligibility is read
     * after the count is taken, so a drain that sees no connection after making the endpoint
     * ineligible sees every connection that will ever be let through.
     *
     * @return the lease to release when the connection closes, or {@code null}
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
                if (!member.eligible) {
                    member.released();
                    return null;
                }
                member.total.incrementAndGet();
                return new Lease(member);
            }
        }
    }

    /** Every member now, in the order added. */
    public synchronized List<Member> members() {
        return List.copyOf(order);
    }

    /** Every endpoint as it is now, in the order added. */
    public synchronized List<EndpointStatus> status() {
        return order.stream().map(Member::status).toList();
    }

    private synchronized void changed(Member member) {
        boolean now = member.inGroup && member.state == EndpointState.UP && member.admin == AdminState.READY
                && member.weight > 0;
        if (now != member.eligible) {
            member.eligible = now;
            eligible = order.stream().filter(m -> m.eligible).map(m -> m.endpoint).toList();
        }
        uniformWeights = order.stream().filter(m -> m.eligible).mapToInt(m -> m.weight).distinct().count() <= 1;
    }

    private synchronized void remove(Member member) {
        member.inGroup = false;
        changed(member);
        if (members.remove(member.endpoint, member)) {
            member.meters.close();
        }
        order.remove(member);
    }

    /**
     * One endpoint in the group, as its owner sees it. Setters may be called from any thread; each
     * publishes a new snapshot when eligibility changes.
     */
    public final class Member {
        public static final int FULL_WEIGHT = 100;

        private final Endpoint endpoint;
        private final String kind;
        private final AtomicInteger active = new AtomicInteger();
        private final AtomicLong total = new AtomicLong();
        private final LongAdder bytesSent = new LongAdder();
        private final LongAdder bytesReceived = new LongAdder();
        private final LongAdder[] checks = new LongAdder[CheckOutcome.values().length];
        private final LongAdder[] failures = new LongAdder[FailureReason.values().length];
        private MemberMeters meters = MemberMeters.NONE; // set once by add(), before anyone else sees it
        /** The connections open to it that the proxy can close (their relay is set up). */
        private final Set<Lease> closable = ConcurrentHashMap.newKeySet();
        private volatile boolean inGroup = true;
        private volatile boolean eligible;
        private volatile EndpointState state = EndpointState.STARTING;
        private volatile AdminState admin = AdminState.READY;
        private volatile int weight = FULL_WEIGHT;
        private volatile String health = "not checked yet";
        private CompletableFuture<Void> idle; // under this member's lock

        private Member(Endpoint endpoint, String kind) {
            this.endpoint = endpoint;
            this.kind = requireNonNull(kind, "kind");
            for (int i = 0; i < checks.length; i++) {
                checks[i] = new LongAdder();
            }
            for (int i = 0; i < failures.length; i++) {
                failures[i] = new LongAdder();
            }
        }

        public Endpoint endpoint() {
            return endpoint;
        }

        /** Where the endpoint is in its life; only UP is healthy. */
        public EndpointState state() {
            return state;
        }

        public void setState(EndpointState state) {
            this.state = requireNonNull(state, "state");
            changed(this);
        }

        public AdminState adminState() {
            return admin;
        }

        /** Ready or drain: whether new connections may come, apart from health. */
        public void setAdminState(AdminState admin) {
            this.admin = requireNonNull(admin, "admin");
            changed(this);
        }

        public int weight() {
            return weight;
        }

        /** The share of new connections, 0..{@link #FULL_WEIGHT}; 0 takes none. */
        public void setWeight(int weight) {
            if (weight < 0 || weight > FULL_WEIGHT) {
                throw new IllegalArgumentException("weight must be in 0.." + FULL_WEIGHT + ", got " + weight);
            }
            this.weight = weight;
            changed(this);
        }

        /** What the health checks last said, for status: {@code passing}, {@code failing (2/3): HTTP 500}. */
        public void setHealth(String health) {
            this.health = requireNonNull(health, "health");
        }

        /** {@code worker} or {@code static}. */
        public String kind() {
            return kind;
        }

        public String health() {
            return health;
        }

        public boolean eligible() {
            return eligible;
        }

        public long totalConnections() {
            return total.get();
        }

        public int activeConnections() {
            return active.get();
        }

        /** Bytes the proxy has written to the endpoint since it joined. */
        public long bytesSent() {
            return bytesSent.sum();
        }

        /** Bytes the proxy has read from the endpoint since it joined. */
        public long bytesReceived() {
            return bytesReceived.sum();
        }

        /** Counts one active health check of the endpoint; called by its owner, on the checker's thread. */
        public void countCheck(CheckOutcome outcome) {
            checks[outcome.ordinal()].increment();
        }

        /** Connects to the endpoint, or its answers, that failed for {@code reason} since it joined. */
        public long failures(FailureReason reason) {
            return failures[reason.ordinal()].sum();
        }

        /** Active health checks of the endpoint with {@code outcome} since it joined. */
        public long checks(CheckOutcome outcome) {
            return checks[outcome.ordinal()].sum();
        }

        /**
         * Completes once no connection is open; at once if none is. Ends a drain as soon as the last
         * connection closes, with no polling.
         */
        public synchronized CompletableFuture<Void> whenIdle() {
            if (idle == null || idle.isDone()) {
                idle = new CompletableFuture<>();
            }
            CompletableFuture<Void> mine = idle;
            if (active.get() == 0) {
                mine.complete(null);
            }
            return mine;
        }

        /**
         * Closes the proxy's connections now open to the endpoint, spread evenly over {@code window}
         * (HAProxy's close-spread-time): the first at once, the others one after another, so that
         * their clients do not all come back at the same moment.
         *
         * @return how many are being closed
         */
        public int closeSpread(Duration window) {
            List<Lease> open = List.copyOf(closable);
            long step = open.isEmpty() ? 0 : window.toNanos() / open.size();
            int closing = 0;
            for (int i = 0; i < open.size(); i++) {
                try {
                    open.get(i).closer.closeIn(step * i);
                    closing++;
                } catch (RuntimeException loopGone) {
                    // its event loop is shutting down: the connection is being closed anyway
                }
            }
            return closing;
        }

        /** Takes the endpoint out of the group; connections still open keep their leases. */
        public void remove() {
            EndpointGroup.this.remove(this);
        }

        private void released() {
            if (active.decrementAndGet() == 0) {
                CompletableFuture<Void> waiting;
                synchronized (this) {
                    waiting = idle;
                }
                if (waiting != null && active.get() == 0) {
                    waiting.complete(null);
                }
            }
        }

        /**
         * The endpoint's state in the group: an UP endpoint an operator drained is DRAINING. (A
         * worker's row in status says more: DRAINING for any instance being stopped, and its
         * slot's BACKOFF or FAILED between instances.)
         */
        public EndpointState shownState() {
            return state == EndpointState.UP && admin == AdminState.DRAIN ? EndpointState.DRAINING : state;
        }

        private EndpointStatus status() {
            return new EndpointStatus(endpoint, kind, shownState(), admin, weight, health, active.get(), total.get());
        }
    }

    /**
     * One connection counted on an endpoint. It is released on the member it was taken from, so a
     * connection that outlives its endpoint's removal never touches a re-added endpoint's count.
     * Used from the connection's own event loop only.
     */
    public static final class Lease {
        private final Member member;
        private boolean released;
        private Closer closer;

        private Lease(Member member) {
            this.member = member;
        }

        public Endpoint endpoint() {
            return member.endpoint;
        }

        /** The connect to the endpoint took {@code nanos}. */
        public void connected(long nanos) {
            member.meters.connected(nanos);
        }

        /** The connection failed, the endpoint's doing ({@link FailureReason#endpoints()}). */
        public void failed(FailureReason reason) {
            member.failures[reason.ordinal()].increment();
        }

        /** {@code bytes} were written to the endpoint on this connection. */
        public void sent(int bytes) {
            member.bytesSent.add(bytes);
        }

        /** {@code bytes} were read from the endpoint on this connection. */
        public void received(int bytes) {
            member.bytesReceived.add(bytes);
        }

        /** How the connection can be closed from now on: a drain's deadline may close it ({@link Member#closeSpread}). */
        public void closeWith(Closer closer) {
            if (!released) {
                this.closer = requireNonNull(closer, "closer");
                member.closable.add(this);
            }
        }

        /** Uncounts the connection; later calls do nothing. */
        public void release() {
            if (!released) {
                released = true;
                if (closer != null) {
                    member.closable.remove(this);
                }
                member.released();
            }
        }
    }

    /** Closes one proxied connection after a delay; called from any thread, must not block. */
    @FunctionalInterface
    public interface Closer {
        void closeIn(long nanos);
    }
}
