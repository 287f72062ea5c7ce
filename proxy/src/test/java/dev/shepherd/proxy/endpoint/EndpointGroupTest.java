package dev.shepherd.proxy.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointGroupTest {
    private final Endpoint a = Endpoint.parse("127.0.0.1:9001");
    private final Endpoint b = Endpoint.parse("127.0.0.1:9002");
    private final Endpoint c = Endpoint.parse("127.0.0.1:9003");
    private final EndpointGroup group = new EndpointGroup();

    @Test
    void eligibleIsAnImmutableSnapshotInTheOrderEndpointsWereAdded() {
        group.add(c, true);
        group.add(a, true);
        group.add(b, false);
        List<Endpoint> snapshot = group.eligible();
        assertThat(snapshot).containsExactly(c, a);

        group.setState(b, EndpointState.UP);
        group.setState(c, EndpointState.UNHEALTHY);
        assertThat(group.eligible()).containsExactly(a, b);
        assertThat(snapshot).containsExactly(c, a);
        assertThatThrownBy(() -> snapshot.add(b)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void statusShowsEveryEndpointWithItsStateHealthAndOpenConnections() {
        group.add(a, true);
        group.add(b, false);
        group.setHealth(b, "failing: connection refused");
        EndpointGroup.Lease lease = group.tryOpenConnection(a, 10);

        assertThat(group.status()).containsExactly(
                new EndpointStatus(a, EndpointState.UP, "not checked yet", 1),
                new EndpointStatus(b, EndpointState.STARTING, "failing: connection refused", 0));
        lease.release();
    }

    @Test
    void connectionsAreCountedUpToTheCapAndReleasedOnce() {
        group.add(a, true);
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
    void aConnectionThatOutlivesItsEndpointDoesNotTouchTheEndpointAddedAgain() {
        group.add(a, true);
        EndpointGroup.Lease old = group.tryOpenConnection(a, 10);
        group.remove(a);
        group.add(a, true);
        assertThat(group.activeConnections(a)).isZero();

        old.release();
        assertThat(group.activeConnections(a)).isZero();
    }
}
