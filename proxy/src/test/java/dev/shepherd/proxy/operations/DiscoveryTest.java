package dev.shepherd.proxy.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.config.DiscoverySettings;
import dev.shepherd.proxy.config.DnsBackend;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointStatus;
import dev.shepherd.proxy.health.RecordedChecks;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** dns:NAME:PORT backends against a DNS server whose answers the test changes. */
class DiscoveryTest {
    private static final Endpoint FIXED = Endpoint.parse("127.0.0.1:9001");
    private static final DnsBackend APP = new DnsBackend("app.test", 8080);

    private final EndpointGroup group = new EndpointGroup();
    private final RecordedChecks checks = new RecordedChecks();
    private final TestDnsServer dns;
    private final Discovery discovery;

    DiscoveryTest() throws InterruptedException {
        dns = new TestDnsServer();
        discovery = new Discovery(new StaticBackends(group, checks, List.of(FIXED)));
    }

    @AfterEach
    void stop() {
        discovery.close();
        dns.close();
    }

    @Test
    void aNameStandsForEveryAddressItResolvesToEachJoiningAfterItsChecks() throws Exception {
        dns.answer("app.test", "127.0.0.2", "127.0.0.3", "::1");
        discovery.configure(List.of(FIXED), List.of(APP), settings());

        assertThat(eventually(() -> ids().size() == 4)).as("endpoints: %s", ids()).isTrue();
        assertThat(ids()).containsExactly("127.0.0.1:9001", "127.0.0.2:8080", "127.0.0.3:8080", "[0:0:0:0:0:0:0:1]:8080");
        assertThat(group.eligible()).as("none before its checks pass").isEmpty();
        checks.pass(new Endpoint("127.0.0.2:8080", "127.0.0.2", 8080));
        assertThat(group.eligible()).extracting(Endpoint::id).containsExactly("127.0.0.2:8080");
    }

    @Test
    void anSrvNameStandsForTheAddressesOfItsLowestPriorityTargetsOnTheirPorts() throws Exception {
        dns.answerSrv("_app._tcp.svc.test", "10 8081 a.svc.test", "10 8082 b.svc.test", "20 8083 backup.svc.test");
        dns.answer("a.svc.test", "127.0.0.2");
        dns.answer("b.svc.test", "127.0.0.3", "::1");
        dns.answer("backup.svc.test", "127.0.0.4");
        discovery.configure(List.of(FIXED), List.of(DnsBackend.srv("_app._tcp.svc.test")), settings());

        assertThat(eventually(() -> ids().size() == 4)).as("endpoints: %s", ids()).isTrue();
        assertThat(ids()).containsExactly("127.0.0.1:9001", "127.0.0.2:8081", "127.0.0.3:8082", "[0:0:0:0:0:0:0:1]:8082");

        dns.answerSrv("_app._tcp.svc.test", "20 8083 backup.svc.test");
        assertThat(eventually(() -> ids().contains("127.0.0.4:8083"))).as("endpoints: %s", ids()).isTrue();
        assertThat(eventually(() -> ids().size() == 2)).as("the old targets drained: %s", ids()).isTrue();

        dns.silent = true;
        int asked = dns.queries();
        assertThat(eventually(() -> dns.queries() >= asked + 2)).isTrue();
        assertThat(ids()).as("kept while the lookups fail").containsExactly("127.0.0.1:9001", "127.0.0.4:8083");
    }

    @Test
    void whenTheAnswerChangesANewAddressJoinsAndAVanishedOneIsDrainedNotCut() throws Exception {
        dns.answer("app.test", "127.0.0.2", "127.0.0.3");
        discovery.configure(List.of(FIXED), List.of(APP), settings());
        assertThat(eventually(() -> ids().size() == 3)).isTrue();
        Endpoint vanishing = new Endpoint("127.0.0.2:8080", "127.0.0.2", 8080);
        checks.pass(vanishing);
        EndpointGroup.Lease open = group.tryOpenConnection(vanishing, 10);

        dns.answer("app.test", "127.0.0.3", "127.0.0.4");

        assertThat(eventually(() -> ids().contains("127.0.0.4:8080"))).as("endpoints: %s", ids()).isTrue();
        assertThat(group.eligible()).as("no new connections to the vanished address").doesNotContain(vanishing);
        assertThat(ids()).as("still there while its connection is open").contains("127.0.0.2:8080");
        open.release();
        assertThat(ids()).containsExactly("127.0.0.1:9001", "127.0.0.3:8080", "127.0.0.4:8080");
    }

    @Test
    void aFailedLookupKeepsTheLastAddressesAndIsTriedAgain() throws Exception {
        dns.answer("app.test", "127.0.0.2");
        discovery.configure(List.of(FIXED), List.of(APP), settings());
        assertThat(eventually(() -> ids().size() == 2)).isTrue();

        dns.silent = true;
        int asked = dns.queries();
        assertThat(eventually(() -> dns.queries() >= asked + 4)).as("asked again").isTrue();
        assertThat(ids()).as("kept through the failures").containsExactly("127.0.0.1:9001", "127.0.0.2:8080");

        dns.silent = false;
        dns.answer("app.test", "127.0.0.5");
        assertThat(eventually(() -> ids().contains("127.0.0.5:8080"))).as("endpoints: %s", ids()).isTrue();
    }

    @Test
    void whenOnlyTheAaaaLookupFailsTheIpv6AddressesStayAndTheIpv4OnesFollowTheAnswer() throws Exception {
        dns.answer("app.test", "127.0.0.2", "::1");
        discovery.configure(List.of(FIXED), List.of(APP), settings());
        assertThat(eventually(() -> ids().size() == 3)).as("endpoints: %s", ids()).isTrue();

        dns.silentForAaaa = true;
        dns.answer("app.test", "127.0.0.3");

        assertThat(eventually(() -> ids().contains("127.0.0.3:8080") && !ids().contains("127.0.0.2:8080")))
                .as("endpoints: %s", ids()).isTrue();
        assertThat(ids()).as("the IPv6 address its failed lookup could not confirm stays")
                .containsExactly("127.0.0.1:9001", "[0:0:0:0:0:0:0:1]:8080", "127.0.0.3:8080");
    }

    @Test
    void aNameTakenOutOfTheConfigurationTakesItsAddressesWithIt() throws Exception {
        dns.answer("app.test", "127.0.0.2");
        discovery.configure(List.of(FIXED), List.of(APP), settings());
        assertThat(eventually(() -> ids().size() == 2)).isTrue();

        List<String> changes = discovery.configure(List.of(FIXED), List.of(), settings());

        assertThat(changes).containsExactly("-dns:app.test:8080", "-127.0.0.2:8080");
        assertThat(ids()).containsExactly("127.0.0.1:9001");
    }

    private DiscoverySettings settings() {
        return new DiscoverySettings(Duration.ofMillis(100), Duration.ofMillis(300), dns.address());
    }

    private List<String> ids() {
        return group.status().stream().map(EndpointStatus::endpoint).map(Endpoint::id).toList();
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
