package dev.shepherd.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The commands that steer a running edge through its admin API: each one call, one line of
 * outcome, exit 0; or the API's error (or "no Shepherd admin API at ..."), exit 1.
 */
final class ControlCommands {
    private ControlCommands() {}

    /** What every control command shares: the parent's settings, where the API is, the output. */
    abstract static class AdminCall implements Callable<Integer> {
        @ParentCommand
        ShepherdCommand parent;

        @Mixin
        AdminOptions admin;

        @Spec
        CommandSpec spec;

        @Override
        public final Integer call() {
            String outcome = run(new AdminClient(admin.url(parent.config), admin.token()));
            PrintWriter out = spec.commandLine().getOut();
            out.println(outcome);
            out.flush();
            return 0;
        }

        abstract String run(AdminClient client);

        static String path(String id) {
            return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
        }

        static String replaced(JsonNode r) {
            String from = r.path("oldPid").asLong() < 0 ? "respawned" : "pid " + r.path("oldPid").asText() + " ->";
            return "worker " + r.path("id").asText() + " replaced: " + from + " pid " + r.path("newPid").asText()
                    + " on port " + r.path("newPort").asText();
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Rolling restart of every worker: each replacement is UP before the old one is drained and stopped.")
    static final class Reload extends AdminCall {
        @Override
        String run(AdminClient client) {
            StringBuilder lines = new StringBuilder();
            for (JsonNode r : client.post("/reload", "").path("replaced")) {
                lines.append(lines.length() == 0 ? "" : "\n").append(replaced(r));
            }
            return lines.length() == 0 ? "no worker to replace" : lines.toString();
        }
    }

    @Command(name = "health", mixinStandardHelpOptions = true,
            description = "Exit 0 while the running edge has an endpoint taking new connections, else 1"
                    + " (a container's HEALTHCHECK, a load balancer's probe).")
    static final class Health extends AdminCall {
        @Override
        String run(AdminClient client) {
            int status = client.statusOf("/health");
            if (status != 200) {
                throw new AdminClient.AdminException("not healthy: no endpoint takes new connections (/health answered "
                        + status + ")");
            }
            return "healthy";
        }
    }

    @Command(name = "reload-config", mixinStandardHelpOptions = true,
            description = "Re-read the running edge's config file and apply what changed, as SIGHUP does.")
    static final class ReloadConfig extends AdminCall {
        @Override
        String run(AdminClient client) {
            JsonNode r = client.post("/config/reload", "");
            List<String> applied = strings(r.path("applied"));
            List<String> needRestart = strings(r.path("needRestart"));
            String workers = r.path("workers").asText();
            return (applied.isEmpty() ? "nothing changed" : "applied " + String.join(", ", applied))
                    + (workers.isEmpty() ? "" : "; workers: " + workers)
                    + (needRestart.isEmpty() ? "" : "; not applied, they need a restart of the edge: " + String.join(", ", needRestart));
        }

        private static List<String> strings(JsonNode array) {
            List<String> values = new ArrayList<>();
            array.forEach(value -> values.add(value.asText()));
            return values;
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Rolling restart of one worker (a FAILED one is respawned with a fresh restart budget).")
    static final class Restart extends AdminCall {
        @Parameters(paramLabel = "ID", description = "The worker's id.")
        String id;

        @Override
        String run(AdminClient client) {
            return replaced(client.post("/workers/" + path(id) + "/restart", ""));
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "No new connections for an endpoint (a worker's id, or a static endpoint's host:port); open ones go on.")
    static final class Drain extends AdminCall {
        @Parameters(paramLabel = "ID", description = "A worker's id or a static endpoint's host:port.")
        String id;

        @Override
        String run(AdminClient client) {
            JsonNode answer = client.post("/endpoints/" + path(id) + "/drain", "");
            return answer.path("drained").asBoolean()
                    ? "endpoint " + id + " drained: no connection open, no new one"
                    : "endpoint " + id + " draining: no new connection, its open ones go on (see status)";
        }
    }

    @Command(name = "ready", mixinStandardHelpOptions = true, description = "Put a drained endpoint back in rotation.")
    static final class Ready extends AdminCall {
        @Parameters(paramLabel = "ID", description = "A worker's id or a static endpoint's host:port.")
        String id;

        @Override
        String run(AdminClient client) {
            client.post("/endpoints/" + path(id) + "/ready", "");
            return "endpoint " + id + " ready: in rotation while healthy";
        }
    }

    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "Grow or shrink the workers to N: up spawns new ones, down drains and stops the highest ids.")
    static final class Scale extends AdminCall {
        @Parameters(paramLabel = "N", description = "How many workers.")
        int count;

        @Override
        String run(AdminClient client) {
            JsonNode scaled = client.post("/scale?count=" + count, "");
            return "scaled from " + scaled.path("from").asText() + " to " + scaled.path("to").asText() + " workers";
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true, description = "Send a message to a worker (Worker.onMessage).")
    static final class Send extends AdminCall {
        @Parameters(index = "0", paramLabel = "ID", description = "The worker's id.")
        String id;

        @Parameters(index = "1", paramLabel = "TEXT", description = "The message.")
        String text;

        @Override
        String run(AdminClient client) {
            client.post("/workers/" + path(id) + "/send", text);
            return "sent to worker " + id;
        }
    }
}
