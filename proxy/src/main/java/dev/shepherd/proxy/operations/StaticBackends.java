package dev.shepherd.proxy.operations;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.StaticBackend;
import dev.shepherd.proxy.health.EndpointCheck;
import dev.shepherd.proxy.health.EndpointChecks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The static endpoints ({@code backends}) and their health checks. A config reload hands it the
 * new list: an added endpoint joins STARTING and takes connections after {@code rise} checks
 * pass; a removed one is drained and leaves the group when its last connection closes.
 */
public final class StaticBackends {
    private record Watched(StaticBackend backend, EndpointCheck check) {}

    private final EndpointGroup group;
    private final EndpointChecks checks;
    // Under this object's lock: the configured endpoints, and the removed ones still draining.
    private final Map<Endpoint, Watched> backends = new LinkedHashMap<>();
    private final Map<Endpoint, Watched> retiring = new LinkedHashMap<>();

    public StaticBackends(EndpointGroup group, EndpointChecks checks, List<Endpoint> endpoints) {
        this.group = group;
        this.checks = checks;
        endpoints.forEach(this::add);
    }

    /** The configured endpoints' owners, in the order configured. */
    public synchronized List<StaticBackend> all() {
        return backends.values().stream().map(Watched::backend).toList();
    }

    /** The owner of endpoint {@code id}, if it is configured. */
    public synchronized Optional<StaticBackend> find(String id) {
        return backends.values().stream().map(Watched::backend).filter(b -> b.endpoint().id().equals(id)).findFirst();
    }

    /**
     * Makes the configured list {@code wanted}: adds what is new, retires what is gone. Returns
     * what changed ({@code +host:port}, {@code -host:port}) and a future of the retired ones' end.
     */
    public synchronized Changed configure(List<Endpoint> wanted) {
        List<String> changes = new ArrayList<>();
        List<CompletableFuture<Void>> retired = new ArrayList<>();
        for (Endpoint endpoint : List.copyOf(backends.keySet())) {
            if (!wanted.contains(endpoint)) {
                Watched gone = backends.remove(endpoint);
                retiring.put(endpoint, gone);
                retired.add(gone.backend().retire().thenRun(() -> idle(endpoint, gone)));
                changes.add("-" + endpoint.id());
            }
        }
        for (Endpoint endpoint : wanted) {
            if (!backends.containsKey(endpoint)) {
                Watched back = retiring.remove(endpoint);
                if (back != null) {
                    back.backend().ready(); // removed by an earlier reload and still draining: kept after all
                    backends.put(endpoint, back);
                } else {
                    add(endpoint);
                }
                changes.add("+" + endpoint.id());
            }
        }
        return new Changed(changes, CompletableFuture.allOf(retired.toArray(CompletableFuture[]::new)));
    }

    /** What {@link #configure} changed, and the end of the drains it started. */
    public record Changed(List<String> changes, CompletableFuture<Void> retired) {
        public Changed {
            changes = List.copyOf(changes);
        }
    }

    /** A retired endpoint's last connection closed: out of the group, unless a later reload kept it after all. */
    private synchronized void idle(Endpoint endpoint, Watched gone) {
        if (retiring.remove(endpoint, gone)) {
            gone.check().close();
            gone.backend().remove();
        }
    }

    private void add(Endpoint endpoint) {
        StaticBackend backend = new StaticBackend(group, endpoint);
        backends.put(endpoint, new Watched(backend, checks.watch(endpoint, backend)));
    }
}
