package dev.shepherd.proxy.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.shepherd.proxy.balancer.BalanceType;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.frontend.ProxyProtocol;
import dev.shepherd.proxy.frontend.RetryOn;
import io.netty.util.NetUtil;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link ShepherdSettings} once: JVM system properties over {@code CONFIG_FORCE_} environment
 * variables over the user's file over reference.conf. Every failure is a {@link ConfigException}
 * whose message is one line naming the file, the line and the key.
 */
public final class SettingsLoader {
    private static final String ROOT = "shepherd";
    private static final long MIN_MAX_MEMORY = 16L * 1024 * 1024; // below any JVM's resident size: surely a mistake
    // Given explicitly: a config reload runs on the SIGHUP handler's thread, which has no context class loader.
    private static final ClassLoader LOADER = SettingsLoader.class.getClassLoader();

    private final int availableProcessors;

    public SettingsLoader() {
        this(Runtime.getRuntime().availableProcessors());
    }

    SettingsLoader(int availableProcessors) {
        this.availableProcessors = availableProcessors;
    }

    /** Loads {@code file} layered as described above; {@code null} means reference.conf alone. */
    public ShepherdSettings load(Path file) {
        return read(userFile(file), overrides());
    }

    /**
     * Every effective setting of {@code file} (layered as {@link #load} does) with where it came
     * from, one line each in key order: {@code shepherd.listen.port = 8080  (conf/shepherd.conf: 7)},
     * {@code (default)}, {@code (-Dshepherd.listen.port)}, {@code (CONFIG_FORCE_shepherd_listen_port)}.
     * {@code admin.token}'s value is never shown.
     */
    public List<String> explain(Path file) {
        load(file); // the same errors first
        Config reference = ConfigFactory.defaultReferenceUnresolved(LOADER).resolve();
        Config merged = overrides().withFallback(userFile(file)).withFallback(reference).resolve();
        List<String> lines = new ArrayList<>();
        merged.getConfig(ROOT).entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            String key = ROOT + "." + entry.getKey();
            String value = key.equals("shepherd.admin.token")
                    ? (((String) entry.getValue().unwrapped()).isEmpty() ? "\"\"" : "(set, not shown)")
                    : entry.getValue().render(ConfigRenderOptions.concise());
            lines.add(key + " = " + value + "  (" + origin(key, entry.getValue().origin()) + ")");
        });
        return lines;
    }

    private static String origin(String key, ConfigOrigin origin) {
        String description = origin.description();
        if ("reference.conf".equals(origin.resource())) {
            return "default";
        }
        if (description.startsWith("system properties")) {
            return "-D" + key;
        }
        if (description.startsWith("env variables")) {
            return ConfigErrors.environmentVariable(key);
        }
        return description;
    }

    private static Config userFile(Path file) {
        if (file == null) {
            return ConfigFactory.empty();
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException.IO(ConfigOriginFactory.newSimple(file.toString()), "no such file");
        }
        return ConfigFactory.parseFile(new File(file.toString()), ConfigParseOptions.defaults().setAllowMissing(false).setClassLoader(LOADER));
    }

    private static Config overrides() {
        return ConfigFactory.systemProperties().withFallback(ConfigFactory.systemEnvironmentOverrides());
    }

    /** Reads the user's {@code file} alone over reference.conf, no overrides: the seam the unit tests use. */
    ShepherdSettings read(Config file) {
        return read(file, ConfigFactory.empty());
    }

    private ShepherdSettings read(Config file, Config overrides) {
        // Not defaultReference(): it has the system properties merged in, which would make a
        // misspelled -Dshepherd.* key look known to UnknownKeys.
        Config reference = ConfigFactory.defaultReferenceUnresolved(LOADER).resolve();
        UnknownKeys.checkRoots(file, reference, ROOT);
        Config merged = overrides.withFallback(file).withFallback(reference).resolve();
        UnknownKeys.check(merged, reference, ROOT);
        return read(new ConfigReader(merged));
    }

    private ShepherdSettings read(ConfigReader in) {
        ListenSpec listen = new ListenSpec(in.nonEmptyString("shepherd.listen.host"), in.port("shepherd.listen.port"));
        WorkerSettings workers = readWorkers(in);
        List<Endpoint> backends = new ArrayList<>();
        List<DnsBackend> dnsBackends = new ArrayList<>();
        readBackends(in, backends, dnsBackends);
        if (workers.count() == 0 && backends.isEmpty() && dnsBackends.isEmpty()) {
            // Blame the setting the user made: workers.count = 0 in their file, with backends left empty.
            throw in.badPair("shepherd.backends", "shepherd.workers.count", "workers.count = 0 and backends lists nothing:"
                    + " there is nothing to proxy to (list at least one host:port, dns:NAME:PORT or srv:NAME in backends, or run workers)");
        }
        DiscoverySettings discovery = readDiscovery(in);
        AdminSettings admin = new AdminSettings(
                new ListenSpec(in.nonEmptyString("shepherd.admin.host"), in.port("shepherd.admin.port")),
                in.string("shepherd.admin.token"));
        if (admin.token().isEmpty() && !admin.listen().loopback()) {
            throw in.badPair("shepherd.admin.host", "shepherd.admin.token", "admin.host " + admin.listen().host()
                    + " is not a loopback address and admin.token is empty: anyone who reaches it could restart and drain"
                    + " the workers; set admin.token, or keep admin.host on 127.0.0.1");
        }
        if (admin.listen().port() == listen.port()) {
            throw in.badPair("shepherd.admin.port", "shepherd.listen.port",
                    "listen.port and admin.port must differ, both are " + listen.port());
        }
        HealthCheckSettings healthCheck = readHealthCheck(in);
        checkWorkersFit(in, workers, listen, admin, healthCheck);
        return new ShepherdSettings(
                listen,
                in.oneOf("shepherd.balance", BalanceType.class),
                // Netty counts whole milliseconds, and 0 would mean no timeout at all.
                in.durationAtLeast("shepherd.connect-timeout", Duration.ofMillis(1)),
                in.intAtLeast("shepherd.connect-attempts", 1),
                in.setOf("shepherd.retry-on", RetryOn.class),
                in.nonNegativeDuration("shepherd.queue-timeout"),
                in.nonNegativeDuration("shepherd.first-byte-timeout"),
                in.positiveDuration("shepherd.idle-timeout"),
                in.intAtLeast("shepherd.max-connections", 1),
                in.intAtLeast("shepherd.max-connections-per-endpoint", 1),
                in.intAtLeast("shepherd.max-connections-per-source", 0),
                in.nonNegativeDuration("shepherd.max-connection-duration"),
                in.oneOf("shepherd.proxy-protocol", ProxyProtocol.class),
                in.intOrAuto("shepherd.event-loop-threads", 1, availableProcessors),
                in.transportOrAuto("shepherd.transport"),
                // Netty sizes reads from a table of powers of two and would round any other maximum down.
                in.powerOfTwoBytesInRange("shepherd.read-buffer-size", 1024, 16 << 20),
                in.positiveDuration("shepherd.shutdown-timeout"),
                workers,
                backends,
                dnsBackends,
                discovery,
                healthCheck,
                admin);
    }

    /** The workers' ports must be their own, and a worker must have time to pass its checks. */
    private static void checkWorkersFit(ConfigReader in, WorkerSettings workers, ListenSpec listen, AdminSettings admin,
            HealthCheckSettings checks) {
        if (workers.count() == 0) {
            return;
        }
        int first = workers.firstPort();
        int last = first + workers.count() - 1;
        for (ListenSpec taken : List.of(listen, admin.listen())) {
            if (taken.port() >= first && taken.port() <= last) {
                String key = taken == listen ? "shepherd.listen.port" : "shepherd.admin.port";
                throw in.badPair("shepherd.workers.first-port", key, "the workers' ports " + first + ".." + last
                        + " include " + key.substring("shepherd.".length()) + " " + taken.port());
            }
        }
        Duration leastToPass = checks.fastInterval().plus(checks.timeout()).multipliedBy(checks.rise());
        if (workers.readyTimeout().compareTo(leastToPass) <= 0) {
            throw in.badPair("shepherd.workers.ready-timeout", "shepherd.health-check.rise",
                    "workers.ready-timeout must be longer than health-check.rise x (fast-interval + timeout) = "
                            + leastToPass.toMillis() + " ms, or no worker could pass its checks in time");
        }
    }

    private WorkerSettings readWorkers(ConfigReader in) {
        int count = in.intOrAuto("shepherd.workers.count", 0, availableProcessors);
        List<String> command = withPlaceholders(in, "shepherd.workers.command");
        int firstPort = in.port("shepherd.workers.first-port");
        if (count > 0 && (long) firstPort + count - 1 > 65535) {
            throw in.bad("shepherd.workers.first-port",
                    "leaves no room for " + count + " workers below port 65535");
        }
        Duration initialDelay = in.positiveDuration("shepherd.workers.restart.initial-delay");
        Duration maxDelay = in.positiveDuration("shepherd.workers.restart.max-delay");
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw in.badPair("shepherd.workers.restart.max-delay", "shepherd.workers.restart.initial-delay",
                    "restart.max-delay must be >= restart.initial-delay, got " + maxDelay + " < " + initialDelay);
        }
        RestartSettings restart = new RestartSettings(
                initialDelay,
                maxDelay,
                in.doubleAtLeast("shepherd.workers.restart.multiplier", 1.0),
                in.positiveDuration("shepherd.workers.restart.min-uptime"),
                in.intAtLeast("shepherd.workers.restart.max-restarts", 1),
                in.nonNegativeDuration("shepherd.workers.restart.failed-retry"));
        Duration heartbeatInterval = in.positiveDuration("shepherd.workers.heartbeat.interval");
        Duration heartbeatTimeout = in.positiveDuration("shepherd.workers.heartbeat.timeout");
        if (heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
            throw in.bad("shepherd.workers.heartbeat.timeout",
                    "must be longer than heartbeat.interval (" + heartbeatInterval + ")");
        }
        return new WorkerSettings(
                count,
                command,
                firstPort,
                readEnv(in, "shepherd.workers.env"),
                readDirectory(in, "shepherd.workers.directory"),
                in.positiveDuration("shepherd.workers.ready-timeout"),
                in.positiveDuration("shepherd.workers.drain-timeout"),
                in.positiveDuration("shepherd.workers.stop-timeout"),
                in.positiveDuration("shepherd.workers.kill-timeout"),
                in.positiveDuration("shepherd.workers.unhealthy-restart-after"),
                in.nonNegativeDuration("shepherd.workers.slow-start"),
                in.sizeOrOff("shepherd.workers.max-memory", MIN_MAX_MEMORY),
                restart,
                new HeartbeatSettings(heartbeatInterval, heartbeatTimeout),
                in.oneOf("shepherd.workers.protocol", WorkerProtocol.class),
                in.intAtLeast("shepherd.workers.max-surge", 1),
                in.nonNegativeDuration("shepherd.workers.close-spread"));
    }

    private static Map<String, String> readEnv(ConfigReader in, String path) {
        ConfigObject object = in.config().getObject(path);
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            ConfigValueType type = entry.getValue().valueType();
            if (type == ConfigValueType.OBJECT || type == ConfigValueType.LIST || type == ConfigValueType.NULL) {
                throw new ConfigException.BadValue(entry.getValue().origin(), path + "." + entry.getKey(),
                        "must be a string, number or boolean, got " + type.name().toLowerCase());
            }
            String value = String.valueOf(entry.getValue().unwrapped());
            try {
                Placeholders.check(value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(entry.getValue().origin(), path + "." + entry.getKey(), e.getMessage());
            }
            env.put(entry.getKey(), value);
        }
        return env;
    }

    /** A list of strings, each checked for {@code {port}} and {@code {id}} placeholders at its own line. */
    private static List<String> withPlaceholders(ConfigReader in, String path) {
        List<String> strings = new ArrayList<>();
        for (ConfigValue value : in.config().getList(path)) {
            if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST
                    || value.valueType() == ConfigValueType.NULL) {
                throw new ConfigException.BadValue(value.origin(), path, "each element must be a string, got " + value.render());
            }
            String text = String.valueOf(value.unwrapped());
            try {
                Placeholders.check(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(value.origin(), path, e.getMessage());
            }
            strings.add(text);
        }
        return strings;
    }

    /** An existing directory, or {@code null} for the edge's own working directory (an empty string). */
    private static Path readDirectory(ConfigReader in, String path) {
        String text = in.string(path);
        if (text.isEmpty()) {
            return null;
        }
        Path directory = Path.of(text).toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw in.bad(path, "no such directory: " + directory);
        }
        return directory;
    }

    /** {@code backends}: {@code host:port} entries into {@code fixed}, {@code dns:NAME:PORT} and {@code srv:NAME} ones into {@code dns}. */
    private static void readBackends(ConfigReader in, List<Endpoint> fixed, List<DnsBackend> dns) {
        String path = "shepherd.backends";
        for (ConfigValue value : in.config().getList(path)) {
            if (value.valueType() != ConfigValueType.STRING) {
                throw new ConfigException.BadValue(value.origin(), path,
                        "each entry must be a \"host:port\", \"dns:NAME:PORT\" or \"srv:NAME\" string, got " + value.render());
            }
            String text = (String) value.unwrapped();
            try {
                if (DnsBackend.isOne(text)) {
                    dns.add(DnsBackend.parse(text));
                } else {
                    fixed.add(Endpoint.parse(text));
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(value.origin(), path, e.getMessage());
            }
        }
    }

    private static DiscoverySettings readDiscovery(ConfigReader in) {
        Duration min = in.positiveDuration("shepherd.discovery.min-refresh");
        Duration max = in.positiveDuration("shepherd.discovery.max-refresh");
        if (max.compareTo(min) < 0) {
            throw in.bad("shepherd.discovery.max-refresh", "must be at least discovery.min-refresh (" + min.toMillis() + "ms)");
        }
        String nameserver = in.string("shepherd.discovery.nameserver");
        if (nameserver.isEmpty()) {
            return new DiscoverySettings(min, max, null);
        }
        // An address alone is on port 53; with a port: 127.0.0.1:8600, [::1]:8600.
        InetAddress alone = NetUtil.createInetAddressFromIpAddressString(nameserver);
        if (alone != null) {
            return new DiscoverySettings(min, max, new InetSocketAddress(alone, 53));
        }
        InetAddress address = null;
        int port = 0;
        try {
            Endpoint server = Endpoint.parse(nameserver);
            address = NetUtil.createInetAddressFromIpAddressString(server.host());
            port = server.port();
        } catch (IllegalArgumentException notHostPort) {
            // said below
        }
        if (address == null) {
            throw in.bad("shepherd.discovery.nameserver",
                    "must be an IP address with an optional port, such as 127.0.0.1:8600, got '" + nameserver + "'");
        }
        return new DiscoverySettings(min, max, new InetSocketAddress(address, port));
    }

    private static HealthCheckSettings readHealthCheck(ConfigReader in) {
        HealthCheckSettings.Type type = in.oneOf("shepherd.health-check.type", HealthCheckSettings.Type.class);
        String path = in.string("shepherd.health-check.path");
        if (!path.startsWith("/")) {
            throw in.bad("shepherd.health-check.path", "must start with '/', got '" + path + "'");
        }
        Duration interval = in.positiveDuration("shepherd.health-check.interval");
        Duration timeout = in.positiveDuration("shepherd.health-check.timeout");
        if (timeout.compareTo(interval) >= 0) {
            throw in.badPair("shepherd.health-check.timeout", "shepherd.health-check.interval",
                    "health-check.timeout must be shorter than health-check.interval, got " + timeout.toMillis()
                            + " ms >= " + interval.toMillis() + " ms");
        }
        Duration fastInterval = in.positiveDuration("shepherd.health-check.fast-interval");
        if (fastInterval.compareTo(interval) > 0) {
            throw in.badPair("shepherd.health-check.fast-interval", "shepherd.health-check.interval",
                    "health-check.fast-interval must be <= health-check.interval (" + interval.toMillis() + " ms), got "
                            + fastInterval.toMillis() + " ms");
        }
        return new HealthCheckSettings(
                type,
                path,
                interval,
                timeout,
                fastInterval,
                in.intAtLeast("shepherd.health-check.rise", 1),
                in.intAtLeast("shepherd.health-check.fall", 1),
                in.intAtLeast("shepherd.health-check.error-limit", 0));
    }
}
