package dev.shepherd.proxy.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointStatus;
import dev.shepherd.proxy.health.RecordedChecks;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticBackendsTest {
    private static final Endpoint A = Endpoint.parse("127.0.0.1:9001");
    private static final Endpoint B = Endpoint.parse("127.0.0.1:9002");
    private static final Endpoint C = Endpoint.parse("127.0.0.1:9003");

    private final EndpointGroup group = new EndpointGroup();
    private final RecordedChecks checks = new RecordedChecks();
    private final StaticBackends backends = new StaticBackends(group, checks, List.of(A, B));

    @Test
    void anAddedEndpointTakesConnectionsOnlyOnceItsChecksPass() {
        checks.pass(A);
        checks.pass(B);

        StaticBackends.Changed changed = backends.configure(List.of(A, B, C));

        assertThat(changed.changes()).containsExactly("+127.0.0.1:9003");
        assertThat(group.eligible()).containsExactly(A, B);
        checks.pass(C);
        assertThat(group.eligible()).containsExactly(A, B, C);
    }

    @Test
    void aRemovedEndpointIsDrainedAndLeavesTheGroupWithItsLastConnection() {
        checks.pass(A);
        checks.pass(B);
        EndpointGroup.Lease open = group.tryOpenConnection(B, 10);

        StaticBackends.Changed changed = backends.configure(List.of(A));

        assertThat(changed.changes()).containsExactly("-127.0.0.1:9002");
        assertThat(group.eligible()).as("no new connections for B").containsExactly(A);
        assertThat(group.status()).extracting(EndpointStatus::endpoint).as("still there while it has a connection")
                .containsExactly(A, B);
        assertThat(changed.retired()).isNotDone();

        open.release();

        assertThat(changed.retired()).isDone();
        assertThat(group.status()).extracting(EndpointStatus::endpoint).containsExactly(A);
        assertThat(checks.stopped(B)).isTrue();
        assertThat(backends.find("127.0.0.1:9002")).isEmpty();
    }

    @Test
    void anEndpointPutBackWhileStillDrainingStaysAndTakesConnectionsAgain() {
        checks.pass(A);
        checks.pass(B);
        EndpointGroup.Lease open = group.tryOpenConnection(B, 10);
        backends.configure(List.of(A));

        StaticBackends.Changed back = backends.configure(List.of(A, B));
        open.release();

        assertThat(back.changes()).containsExactly("+127.0.0.1:9002");
        assertThat(group.eligible()).containsExactly(A, B);
        assertThat(checks.stopped(B)).isFalse();
        assertThat(backends.all()).extracting(b -> b.endpoint()).containsExactly(A, B);
    }
}
