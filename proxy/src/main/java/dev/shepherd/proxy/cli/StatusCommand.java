package dev.shepherd.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code shepherd status}: the running edge's endpoints as a table, as {@code pm2 list} prints its processes. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a running edge's workers and endpoints (from its admin API).")
final class StatusCommand implements Callable<Integer> {
    private static final String[] HEADER = {"id", "kind", "pid", "port", "state", "health", "weight", "conns", "total",
            "restarts", "uptime", "mem", "cpu", "last exit"};

    @ParentCommand
    ShepherdCommand parent;

    @Mixin
    AdminOptions admin;

    @Option(names = "--json", description = "Print the API's JSON as it is, for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode status = new AdminClient(admin.url(parent.config), admin.token()).get("/status");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(status.toPrettyString());
            out.flush();
            return 0;
        }
        JsonNode edge = status.path("edge");
        out.printf("edge pid %s, listening on %s (%s), up %s, %s eligible endpoints, %s client connections%n",
                edge.path("pid").asText(), edge.path("listen").asText(), edge.path("transport").asText(),
                duration(edge.path("uptimeMs").asLong()), edge.path("eligibleEndpoints").asText(),
                edge.path("activeConnections").asText());
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (JsonNode e : status.path("endpoints")) {
            boolean worker = e.path("kind").asText().equals("worker");
            rows.add(new String[] {
                e.path("id").asText(), e.path("kind").asText(), e.path("pid").isNull() ? "-" : e.path("pid").asText(),
                e.path("port").asText(), e.path("state").asText(), e.path("health").asText(), e.path("weight").asText(),
                e.path("activeConnections").asText(), e.path("totalConnections").asText(),
                worker ? e.path("restarts").asText() : "-", worker && !e.path("pid").isNull() ? duration(e.path("uptimeMs").asLong()) : "-",
                e.path("rssBytes").isNumber() ? e.path("rssBytes").asLong() / (1024 * 1024) + "MB" : "-",
                e.path("cpuSeconds").isNumber() ? String.format(Locale.ROOT, "%.1fs", e.path("cpuSeconds").asDouble()) : "-",
                e.path("lastExit").isNull() ? "-" : e.path("lastExit").asText()});
        }
        print(out, rows);
        out.flush();
        return 0;
    }

    /** Columns as wide as their widest cell, two spaces apart; the last one unpadded. */
    private static void print(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    static String duration(long millis) {
        long seconds = millis / 1000;
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + (seconds % 60 > 0 ? seconds % 60 + "s" : "");
        }
        if (seconds < 86_400) {
            return seconds / 3600 + "h" + (seconds % 3600 / 60 > 0 ? seconds % 3600 / 60 + "m" : "");
        }
        return seconds / 86_400 + "d" + (seconds % 86_400 / 3600 > 0 ? seconds % 86_400 / 3600 + "h" : "");
    }
}
