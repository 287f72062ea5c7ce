package dev.shepherd.proxy.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.endpoint.AdminState;
import dev.shepherd.proxy.endpoint.DrainStarted;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.endpoint.StaticBackend;
import dev.shepherd.proxy.health.RecordedChecks;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The operations API over static endpoints (workers: WorkerSlotTest, WorkerSupervisorTest). */
class OperationsTest {
    private final EndpointGroup group = new EndpointGroup();
    private final StaticBackends backends = new StaticBackends(group, new RecordedChecks(),
            List.of(Endpoint.parse("127.0.0.1:9001"), Endpoint.parse("127.0.0.1:9002")));
    private final StaticBackend a = backends.all().get(0);
    private final StaticBackend b = backends.all().get(1);
    private final Operations operations = new Operations(null, backends, group, () -> CompletableFuture.failedFuture(new IllegalStateException("no file")));

    OperationsTest() {
        a.healthChanged(true, "2 health checks passed");
        b.healthChanged(true, "2 health checks passed");
    }

    @Test
    void aDrainedStaticEndpointTakesNoNewConnectionsAndItsDrainEndsWithItsLastOne() {
        EndpointGroup.Lease open = group.tryOpenConnection(a.endpoint(), 10);
        DrainStarted started = operations.drain("127.0.0.1:9001").join();
        assertThat(started.openConnections()).isEqualTo(1);
        CompletableFuture<Void> drained = started.idle();
        assertThat(group.eligible()).containsExactly(b.endpoint());
        assertThat(operations.status()).filteredOn(r -> r.id().equals("127.0.0.1:9001"))
                .extracting(EndpointReport::state).containsExactly(EndpointState.DRAINING);
        assertThat(drained).isNotDone();

        open.release();
        assertThat(drained).isDone();
        assertThat(operations.ready("127.0.0.1:9001")).isDone();
        assertThat(group.eligible()).containsExactly(a.endpoint(), b.endpoint());
    }

    @Test
    void aDrainedEndpointStaysOutOfRotationWhenItsHealthComesBack() {
        operations.drain("127.0.0.1:9002");
        b.healthChanged(false, "3 health checks failed");
        b.healthChanged(true, "2 health checks passed");
        assertThat(group.eligible()).containsExactly(a.endpoint());
        assertThat(group.status().get(1).admin()).isEqualTo(AdminState.DRAIN);
    }

    @Test
    void anUnknownIdFailsWithTheKnownOnes() {
        assertThat(operations.drain("9").handle((ok, e) -> e.getMessage()).join())
                .isEqualTo("no such endpoint; the endpoints are 127.0.0.1:9001, 127.0.0.1:9002");
        assertThat(operations.restart("0").handle((ok, e) -> e.getMessage()).join())
                .isEqualTo("no such worker: this edge runs no workers");
        assertThat(group.eligible()).hasSize(2);
    }

    @Test
    void statusListsStaticEndpointsWithTheirHealthAndConnections() {
        a.checked("passing");
        group.tryOpenConnection(b.endpoint(), 10);
        assertThat(operations.status()).extracting(EndpointReport::id, EndpointReport::kind, EndpointReport::health,
                EndpointReport::activeConnections).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("127.0.0.1:9001", "static", "passing", 0),
                        org.assertj.core.groups.Tuple.tuple("127.0.0.1:9002", "static", "not checked yet", 1));
    }
}
