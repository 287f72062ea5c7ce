package dev.shepherd.proxy;

import dev.shepherd.proxy.config.ShepherdSettings;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.frontend.FrontendServer;
import dev.shepherd.proxy.supervisor.WorkerSupervisor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running Shepherd: the endpoint group, the front proxy in front of it, and the workers behind it. */
public final class Edge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Edge.class);

    private final EndpointGroup group = new EndpointGroup();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final FrontendServer frontend;
    private final InetSocketAddress address;
    private final WorkerSupervisor supervisor; // null without managed workers

    private Edge(ShepherdSettings settings) throws InterruptedException {
        for (Endpoint backend : settings.backends()) {
            group.add(backend, true);
        }
        frontend = new FrontendServer(settings, group, registry);
        try {
            // Listen first: a port in use fails start-up before any worker is spawned.
            address = frontend.start();
            supervisor = settings.workers().count() > 0 ? WorkerSupervisor.start(settings.workers(), group) : null;
        } catch (IOException e) {
            frontend.close();
            throw new UncheckedIOException("cannot start the workers: " + e.getMessage(), e);
        } catch (InterruptedException | RuntimeException e) {
            frontend.close();
            throw e;
        }
    }

    /** Starts the edge; fails if the listen address cannot be bound. */
    public static Edge start(ShepherdSettings settings) throws InterruptedException {
        return new Edge(settings);
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The workers' supervisor, or {@code null} when {@code workers.count} is 0. */
    public WorkerSupervisor supervisor() {
        return supervisor;
    }

    /**
     * Stops accepting clients, stops the workers (each finishes the requests it has in progress),
     * then closes what is still open.
     */
    @Override
    public void close() {
        log.info("stopping");
        frontend.stopAccepting();
        if (supervisor != null) {
            supervisor.close();
        }
        frontend.close();
        log.info("stopped");
    }
}
