package dev.shepherd.proxy.cli;

import dev.shepherd.proxy.config.ConfigNames;
import dev.shepherd.proxy.config.HealthCheckSettings;
import dev.shepherd.proxy.config.ShepherdSettings;
import dev.shepherd.proxy.config.WorkerSettings;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** The effective settings in a few lines, for {@code check} and the start-up log. */
final class SettingsSummary {
    private SettingsSummary() {}

    static List<String> lines(ShepherdSettings s) {
        WorkerSettings w = s.workers();
        HealthCheckSettings h = s.healthCheck();
        String workers = w.count() == 0
                ? "none"
                : w.count() + " on 127.0.0.1:" + w.firstPort() + ".." + (w.firstPort() + w.count() - 1)
                        + ", command " + (w.command().isEmpty() ? "(the demo worker)" : String.join(" ", w.command()));
        return List.of(
                "listen          " + s.listen(),
                "balance         " + ConfigNames.of(s.balance()) + ", connect-timeout " + format(s.connectTimeout())
                        + ", connect-attempts " + s.connectAttempts() + ", retry-on "
                        + (s.retryOn().isEmpty() ? "nothing" : s.retryOn().stream().sorted().map(ConfigNames::of).collect(Collectors.joining(" and "))),
                "workers         " + workers,
                "worker restart  " + restart(w),
                "backends        " + backends(s),
                "limits          max-connections " + s.maxConnections() + ", per endpoint "
                        + s.maxConnectionsPerEndpoint() + ", per source "
                        + (s.maxConnectionsPerSource() == 0 ? "off" : s.maxConnectionsPerSource()) + ", idle-timeout "
                        + format(s.idleTimeout()) + ", max duration "
                        + (s.maxConnectionDuration().isZero() ? "off" : format(s.maxConnectionDuration()))
                        + ", queue-timeout " + format(s.queueTimeout()),
                "proxy-protocol  " + ConfigNames.of(s.proxyProtocol()) + ", event-loop-threads " + s.eventLoopThreads()
                        + ", transport " + (s.transport() == null ? "auto" : s.transport().configName())
                        + ", read-buffer-size " + s.readBufferSize() + " bytes",
                "health-check    " + ConfigNames.of(h.type()) + (h.type() == HealthCheckSettings.Type.HTTP ? " GET " + h.path() : "")
                        + " every " + format(h.interval()) + " (" + format(h.fastInterval()) + " in transition), timeout " + format(h.timeout())
                        + ", rise " + h.rise() + ", fall " + h.fall() + ", error-limit " + (h.errorLimit() == 0 ? "off" : h.errorLimit()),
                "admin           " + s.admin().listen() + (s.admin().token().isEmpty() ? ", no token" : ", token set"));
    }

    private static String backends(ShepherdSettings s) {
        List<String> all = new java.util.ArrayList<>();
        s.backends().forEach(endpoint -> all.add(endpoint.toString()));
        s.dnsBackends().forEach(dns -> all.add(dns.toString()));
        return all.isEmpty() ? "none" : all.toString();
    }

    private static String restart(WorkerSettings w) {
        var r = w.restart();
        return "back-off " + format(r.initialDelay()) + " x" + r.multiplier() + " up to " + format(r.maxDelay())
                + ", FAILED after " + r.maxRestarts() + " crashes in a row ("
                + (r.failedRetry().isZero() ? "not retried" : "retried every " + format(r.failedRetry())) + "); stop: drain " + format(w.drainTimeout())
                + (w.closeSpread().isZero() ? "" : ", close-spread " + format(w.closeSpread())) + ", stop " + format(w.stopTimeout()) + ", kill " + format(w.killTimeout())
                + "; unhealthy restart after " + format(w.unhealthyRestartAfter()) + "; slow start " + format(w.slowStart())
                + "; max memory " + (w.maxMemory() == 0 ? "off" : w.maxMemory() / (1024 * 1024) + "MiB")
                + "; protocol " + ConfigNames.of(w.protocol()) + "; max surge " + w.maxSurge();
    }

    static String format(Duration d) {
        long millis = d.toMillis();
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
