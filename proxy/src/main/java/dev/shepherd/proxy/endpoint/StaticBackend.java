package dev.shepherd.proxy.endpoint;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of one static endpoint ({@code backends}): STARTING until its checks pass, then UP or
 * UNHEALTHY as they say; drained and made ready again by an operator.
 */
public final class StaticBackend implements HealthVerdicts {
    private static final Logger log = LoggerFactory.getLogger(StaticBackend.class);

    private final EndpointGroup.Member member;

    public StaticBackend(EndpointGroup group, Endpoint endpoint) {
        this.member = group.add(endpoint, "static");
    }

    public Endpoint endpoint() {
        return member.endpoint();
    }

    @Override
    public void healthChanged(boolean healthy, String reason) {
        member.setState(healthy ? EndpointState.UP : EndpointState.UNHEALTHY); // before the line that says so
        if (healthy) {
            log.info("endpoint {} is UP: {}; {}", member.endpoint(), reason,
                    member.adminState() == AdminState.READY ? "in rotation" : "drained, out of rotation until made ready");
        } else {
            log.warn("endpoint {} is UNHEALTHY: {}; out of rotation", member.endpoint(), reason);
        }
    }

    @Override
    public void checked(String description) {
        member.setHealth(description);
    }

    @Override
    public void counted(CheckOutcome outcome) {
        member.countCheck(outcome);
    }

    /** No new connections from now on; its open ones go on. */
    public DrainStarted drain() {
        member.setAdminState(AdminState.DRAIN);
        int open = member.activeConnections();
        log.info("endpoint {} DRAINING: out of rotation, {} open connections go on", member.endpoint(), open);
        return new DrainStarted(open, member.whenIdle());
    }

    /** Taken out of the configuration: no new connections; completes when its last open one closes. */
    public CompletableFuture<Void> retire() {
        member.setAdminState(AdminState.DRAIN);
        log.info("endpoint {} removed from backends: DRAINING, {} open connections go on", member.endpoint(),
                member.activeConnections());
        return member.whenIdle();
    }

    /** Out of the group, after {@link #retire()}. */
    public void remove() {
        member.remove();
        log.info("endpoint {} removed: no connection left on it", member.endpoint());
    }

    /** Back in rotation (while healthy). */
    public void ready() {
        member.setAdminState(AdminState.READY);
        log.info("endpoint {} made ready: {}", member.endpoint(),
                member.state() == EndpointState.UP ? "in rotation" : "in rotation once healthy");
    }
}
