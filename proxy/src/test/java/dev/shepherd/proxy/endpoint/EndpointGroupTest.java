package dev.shepherd.proxy.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class EndpointGroupTest {
    private final Endpoint a = Endpoint.parse("127.0.0.1:9001");
    private final Endpoint b = Endpoint.parse("127.0.0.1:9002");
    private final Endpoint c = Endpoint.parse("127.0.0.1:9003");
    private final EndpointGroup group = new EndpointGroup();

    @Test
    void eligibleIsAnImmutableSnapshotInTheOrderEndpointsWereAdded() {
        EndpointGroup.Member memberC = up(c);
        up(a);
        EndpointGroup.Member memberB = group.add(b, "static");
        List<Endpoint> snapshot = group.eligible();
        assertThat(snapshot).containsExactly(c, a);

        memberB.setState(EndpointState.UP);
        memberC.setState(EndpointState.UNHEALTHY);
        assertThat(group.eligible()).containsExactly(a, b);
        assertThat(snapshot).containsExactly(c, a);
        assertThatThrownBy(() -> snapshot.add(b)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anEndpointIsEligibleOnlyWhenUpReadyAndWeighted() {
        EndpointGroup.Member member = up(a);
        member.setAdminState(AdminState.DRAIN);
        assertThat(group.eligible()).isEmpty();
        member.setAdminState(AdminState.READY);
        member.setWeight(0);
        assertThat(group.eligible()).isEmpty();
        member.setWeight(1);
        assertThat(group.eligible()).containsExactly(a);
        member.setState(EndpointState.STOPPING);
        assertThat(group.eligible()).isEmpty();
    }

    @Test
    void statusShowsEveryEndpointWithItsStateHealthAndConnections() {
        up(a);
        EndpointGroup.Member memberB = group.add(b, "worker");
        memberB.setHealth("failing: connection refused");
        EndpointGroup.Lease lease = group.tryOpenConnection(a, 10);
        lease.release();
        group.tryOpenConnection(a, 10);

        assertThat(group.status()).containsExactly(
                new EndpointStatus(a, "static", EndpointState.UP, AdminState.READY, 100, "not checked yet", 1, 2),
                new EndpointStatus(b, "worker", EndpointState.STARTING, AdminState.READY, 100, "failing: connection refused", 0, 0));
    }

    @Test
    void aDrainedUpEndpointShowsDraining() {
        up(a).setAdminState(AdminState.DRAIN);
        assertThat(group.status().get(0).state()).isEqualTo(EndpointState.DRAINING);
    }

    @Test
    void connectionsAreCountedUpToTheCapAndReleasedOnce() {
        up(a);
        EndpointGroup.Lease first = group.tryOpenConnection(a, 2);
        EndpointGroup.Lease second = group.tryOpenConnection(a, 2);
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(group.tryOpenConnection(a, 2)).isNull();
        assertThat(group.activeConnections(a)).isEqualTo(2);

        first.release();
        first.release();
        assertThat(group.activeConnections(a)).isEqualTo(1);
        assertThat(group.tryOpenConnection(b, 2)).as("not in the group").isNull();
    }

    @Test
    void aClientHoldingAnOldSnapshotGetsNoLeaseOnAnEndpointThatLeftTheRotation() {
        EndpointGroup.Member member = up(a);
        List<Endpoint> old = group.eligible();
        member.setAdminState(AdminState.DRAIN);
        assertThat(group.tryOpenConnection(old.get(0), 10)).isNull();
        assertThat(group.activeConnections(a)).isZero();
    }

    @Test
    void whenIdleCompletesWhenTheLastConnectionClosesAndAtOnceWithoutConnections() {
        EndpointGroup.Member member = up(a);
        assertThat(member.whenIdle()).isDone();
        EndpointGroup.Lease first = group.tryOpenConnection(a, 10);
        EndpointGroup.Lease second = group.tryOpenConnection(a, 10);
        CompletableFuture<Void> idle = member.whenIdle();
        first.release();
        assertThat(idle).isNotDone();
        second.release();
        assertThat(idle).isDone();
    }

    @Test
    void aConnectionThatOutlivesItsEndpointDoesNotTouchTheEndpointAddedAgain() {
        EndpointGroup.Member old = up(a);
        EndpointGroup.Lease lease = group.tryOpenConnection(a, 10);
        old.remove();
        assertThat(group.eligible()).isEmpty();
        up(a);
        assertThat(group.activeConnections(a)).isZero();

        lease.release();
        assertThat(group.activeConnections(a)).isZero();
    }

    @Test
    void anEndpointCannotBeAddedTwice() {
        up(a);
        assertThatThrownBy(() -> group.add(a, "static")).isInstanceOf(IllegalStateException.class)
                .hasMessage("endpoint 127.0.0.1:9001 is already in the group");
    }

    private EndpointGroup.Member up(Endpoint endpoint) {
        EndpointGroup.Member member = group.add(endpoint, "static");
        member.setState(EndpointState.UP);
        return member;
    }
}
