package dev.shepherd.proxy.config;

import com.typesafe.config.ConfigFactory;
import dev.shepherd.proxy.endpoint.Endpoint;
import java.util.List;

/** Builds {@link ShepherdSettings} from HOCON text over reference.conf, as the loader does, for tests in any package. */
public final class TestSettings {

    /** The smallest valid layout: no managed workers, one static backend. */
    public static final String SIDECAR = "workers.count = 0, backends = [\"127.0.0.1:1\"]";

    private TestSettings() {}

    /**
     * Reads {@code hocon} over reference.conf with 2 available processors (so {@code "auto"} is 2);
     * no system properties or environment overrides. Invalid settings throw the loader's
     * {@link com.typesafe.config.ConfigException}.
     */
    public static ShepherdSettings parse(String hocon) {
        return new SettingsLoader(2).read(ConfigFactory.parseString(hocon));
    }

    /** {@link #parse} of {@link #SIDECAR} with {@code keys} (HOCON under {@code shepherd}, which may override it) on top. */
    public static ShepherdSettings sidecar(String keys) {
        return parse("shepherd {\n" + SIDECAR + "\n" + keys + "\n}");
    }

    /**
     * {@link #sidecar} with {@code keys}, listening on 127.0.0.1 port 0 (any free port), in front of
     * {@code backends}; the admin API on 127.0.0.1 port 0 too.
     */
    public static ShepherdSettings onPortZero(String keys, List<Endpoint> backends) {
        return onPortZero("127.0.0.1", keys, backends);
    }

    /** As {@link #onPortZero(String, List)}, listening on {@code host}. */
    public static ShepherdSettings onPortZero(String host, String keys, List<Endpoint> backends) {
        ShepherdSettings s = sidecar(keys);
        return new ShepherdSettings(new ListenSpec(host, 0), s.balance(), s.connectTimeout(), s.connectAttempts(), s.retryOn(), s.queueTimeout(), s.firstByteTimeout(),
                s.idleTimeout(), s.maxConnections(), s.maxConnectionsPerEndpoint(), s.maxConnectionsPerSource(), s.maxConnectionDuration(), s.proxyProtocol(), s.eventLoopThreads(),
                s.transport(), s.readBufferSize(), s.shutdownTimeout(), s.workers(), backends, s.dnsBackends(), s.discovery(),
                s.healthCheck(),
                new AdminSettings(new ListenSpec("127.0.0.1", 0), s.admin().token()));
    }
}
