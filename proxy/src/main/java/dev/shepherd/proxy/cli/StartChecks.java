package dev.shepherd.proxy.cli;

import dev.shepherd.proxy.config.HealthCheckSettings;
import dev.shepherd.proxy.config.ListenSpec;
import dev.shepherd.proxy.config.ShepherdSettings;
import dev.shepherd.proxy.config.WorkerProtocol;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.supervisor.PortHolder;
import dev.shepherd.proxy.supervisor.WorkerPreflight;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code shepherd check} finds beyond syntax and ranges, without starting anything: errors
 * (what would fail at start: a port taken, a transport that does not load, a program missing, a
 * backend name that does not resolve) and warnings (what runs, but not as a user likely wants).
 */
record StartChecks(List<String> errors, List<String> warnings) {

    static StartChecks of(ShepherdSettings settings) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        portTaken("listen.port", settings.listen()).ifPresent(errors::add);
        portTaken("admin.port", settings.admin().listen()).ifPresent(errors::add);
        String transportError = settings.transport() == null ? null : settings.transport().settingError();
        if (transportError != null) {
            errors.add("transport: " + transportError);
        }
        errors.addAll(WorkerPreflight.problems(settings.workers()));
        for (Endpoint backend : settings.backends()) {
            try {
                InetAddress.getAllByName(backend.host());
            } catch (UnknownHostException e) {
                errors.add("backends: " + backend.id() + ": the name " + backend.host() + " does not resolve");
            }
        }
        HealthCheckSettings check = settings.healthCheck();
        if (check.type() == HealthCheckSettings.Type.HTTP && !check.path().startsWith("/")) {
            errors.add("health-check.path: '" + check.path() + "' is not a path (it must start with /)");
        }
        if (check.type() == HealthCheckSettings.Type.TCP && settings.workers().count() > 0
                && settings.workers().protocol() == WorkerProtocol.NONE) {
            warnings.add("health-check.type = tcp with workers.protocol = none: a worker whose port accepts but whose"
                    + " application hangs stays in rotation (an http check, or a worker that links worker-runtime, finds it)");
        }
        if (!settings.admin().listen().loopback()) {
            warnings.add("admin.host " + settings.admin().listen().host() + " is not a loopback address: the admin API is"
                    + " reachable from the network (its POSTs need the token; status and metrics do not)");
        }
        return new StartChecks(List.copyOf(errors), List.copyOf(warnings));
    }

    /** An error line when {@code host:port} cannot be bound now, naming the holder when /proc tells. */
    private static java.util.Optional<String> portTaken(String key, ListenSpec listen) {
        if (listen.port() == 0) {
            return java.util.Optional.empty();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(listen.host(), listen.port()));
            return java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.of(key + ": " + listen + " cannot be bound: " + e.getMessage()
                    + PortHolder.of(listen.port()).map(holder -> " (held by " + holder + ")").orElse(""));
        }
    }

}
