package dev.shepherd.proxy.admin;

import com.typesafe.config.ConfigException;
import dev.shepherd.proxy.config.ConfigErrors;
import dev.shepherd.proxy.operations.Operations;
import dev.shepherd.proxy.supervisor.ScaleOutOfRangeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin API's routes (DESIGN.md, "Operations"), apart from HTTP: a request in, a future reply
 * out. GETs read snapshots; POSTs call {@link Operations} and answer when its future completes (a
 * drain that still has connections answers 202 at once). Errors are one line of JSON that never
 * repeats the request's input.
 */
final class AdminRoutes {
    private static final Pattern WORKER = Pattern.compile("/workers/([^/]+)/(restart|send)");
    private static final Pattern ENDPOINT = Pattern.compile("/endpoints/([^/]+)/(drain|ready)");
    private static final List<String> GETS = List.of("/status", "/health", "/metrics");
    private static final List<String> POSTS = List.of("/reload", "/scale", "/config/reload");

    private final Operations operations;
    private final Supplier<Map<String, Object>> edge;
    private final Supplier<String> metrics;
    private final byte[] token; // empty: no token

    /**
     * @param edge the edge's own fields of {@code GET /status}
     * @param metrics the Prometheus text of every meter
     */
    AdminRoutes(Operations operations, Supplier<Map<String, Object>> edge, Supplier<String> metrics, String token) {
        this.operations = operations;
        this.edge = edge;
        this.metrics = metrics;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    CompletableFuture<AdminReply> handle(AdminRequest request) {
        String path = request.path().length() > 1 && request.path().endsWith("/")
                ? request.path().substring(0, request.path().length() - 1) : request.path();
        boolean get = GETS.contains(path);
        boolean post = POSTS.contains(path) || WORKER.matcher(path).matches() || ENDPOINT.matcher(path).matches();
        if (!get && !post) {
            return done(AdminReply.error(404, "no such route"));
        }
        if (get && !request.method().equals("GET") || post && !request.method().equals("POST")) {
            return done(AdminReply.error(405, "method not allowed here: use " + (get ? "GET" : "POST")));
        }
        if (post && !authorized(request.authorization())) {
            return done(AdminReply.error(401, "a POST needs the header Authorization: Bearer <admin.token>"));
        }
        try {
            return route(path, request).exceptionally(AdminRoutes::failure);
        } catch (RuntimeException e) {
            return done(failure(e));
        }
    }

    private CompletableFuture<AdminReply> route(String path, AdminRequest request) {
        switch (path) {
            case "/status":
                return done(AdminReply.ok(status()));
            case "/health":
                int eligible = operations.eligibleEndpoints();
                return done(new AdminReply(eligible > 0 ? 200 : 503, Map.of("eligibleEndpoints", eligible), null));
            case "/metrics":
                return done(AdminReply.metrics(metrics.get()));
            case "/reload":
                return operations.reload().thenApply(replaced -> AdminReply.ok(Map.of("replaced", replaced)));
            case "/scale":
                List<String> counts = request.query().getOrDefault("count", List.of());
                if (counts.size() != 1 || !counts.get(0).matches("\\d{1,5}")) {
                    return done(AdminReply.error(400, "scale needs ?count=N, N a whole number >= 0"));
                }
                return operations.scale(Integer.parseInt(counts.get(0))).thenApply(AdminReply::ok);
            case "/config/reload":
                return operations.reloadConfig().thenApply(AdminReply::ok);
            default:
                break;
        }
        Matcher worker = WORKER.matcher(path);
        if (worker.matches()) {
            String id = worker.group(1);
            if (worker.group(2).equals("restart")) {
                return operations.restart(id).thenApply(AdminReply::ok);
            }
            return operations.send(id, request.body()).thenApply(sent -> sent
                    ? AdminReply.ok(Map.of("sent", true))
                    : AdminReply.error(409, "the worker has no open control channel now"));
        }
        Matcher endpoint = ENDPOINT.matcher(path);
        endpoint.matches();
        String id = endpoint.group(1);
        if (endpoint.group(2).equals("ready")) {
            return operations.ready(id).thenApply(ok -> AdminReply.ok(Map.of("ready", true)));
        }
        return operations.drain(id).thenApply(started -> started.idle().isDone()
                ? AdminReply.ok(Map.of("drained", true))
                : AdminReply.accepted(Map.of("draining", true, "activeConnections", started.openConnections())));
    }

    private Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("edge", edge.get());
        status.put("endpoints", operations.status());
        return status;
    }

    /** Constant time: how much of a wrong token matched does not show in the time taken. */
    private boolean authorized(String authorization) {
        if (token.length == 0) {
            return true;
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, authorization.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An unknown id is 404, a command refused in the edge's current state 409, a config file that
     * does not validate 422 (its one-line error), a failed operation 500.
     */
    private static AdminReply failure(Throwable thrown) {
        Throwable cause = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        if (cause instanceof ConfigException settings) {
            return AdminReply.error(422, "the config file is not valid, the running settings stay: " + ConfigErrors.describe(settings));
        }
        if (cause instanceof ScaleOutOfRangeException) {
            return AdminReply.error(400, message);
        }
        if (cause instanceof IllegalArgumentException) {
            return AdminReply.error(404, message);
        }
        if (cause instanceof IllegalStateException) {
            return AdminReply.error(409, message);
        }
        return AdminReply.error(500, message);
    }

    private static CompletableFuture<AdminReply> done(AdminReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
