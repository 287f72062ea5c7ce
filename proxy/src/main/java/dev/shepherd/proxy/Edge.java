package dev.shepherd.proxy;

import dev.shepherd.proxy.config.ShepherdSettings;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.frontend.FrontendServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running Shepherd: the endpoint group and the front proxy in front of it. */
public final class Edge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Edge.class);

    private final EndpointGroup group = new EndpointGroup();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final FrontendServer frontend;
    private final InetSocketAddress address;

    private Edge(ShepherdSettings settings) throws InterruptedException {
        for (Endpoint backend : settings.backends()) {
            group.add(backend, true);
        }
        if (settings.workers().count() > 0) {
            log.warn("workers.count = {}: spawning managed workers is not built yet, so only the {} static backends serve",
                    settings.workers().count(), settings.backends().size());
        }
        frontend = new FrontendServer(settings, group, registry);
        try {
            address = frontend.start();
        } catch (Exception e) {
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

    @Override
    public void close() {
        log.info("stopping");
        frontend.close();
        log.info("stopped");
    }
}
