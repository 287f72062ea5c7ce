package dev.shepherd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The admin API of an edge under test, on 127.0.0.1. */
final class AdminClient {
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    AdminClient(int port) {
        this.port = port;
    }

    /** The worker rows of {@code GET /status}. */
    List<JsonNode> workers() throws IOException, InterruptedException {
        return endpoints("worker");
    }

    /** The rows of {@code GET /status} of one kind: {@code worker} or {@code static}. */
    List<JsonNode> endpoints(String kind) throws IOException, InterruptedException {
        JsonNode status = json.readTree(send(HttpRequest.newBuilder(uri("/status")).GET()).body());
        List<JsonNode> rows = new ArrayList<>();
        status.path("endpoints").forEach(row -> {
            if (row.path("kind").asText().equals(kind)) {
                rows.add(row);
            }
        });
        return rows;
    }

    /** How many worker rows say UP. */
    long workersUp() throws IOException, InterruptedException {
        return workers().stream().filter(AdminClient::isUp).count();
    }

    private static boolean isUp(JsonNode row) {
        return row.path("state").asText().equals("UP");
    }

    /** Waits until status lists exactly {@code count} worker rows, all UP (the API may not answer yet at first). */
    void awaitWorkersUp(int count, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<JsonNode> workers = List.of();
        while (System.nanoTime() < deadline) {
            try {
                workers = workers();
            } catch (IOException notYet) {
                Thread.sleep(50);
                continue;
            }
            if (workers.size() == count && workers.stream().allMatch(AdminClient::isUp)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(count + " workers not UP within " + within + ": " + workers);
    }

    /** A counter or gauge of {@code GET /metrics}: the sample whose name and labels are {@code series}. */
    double metric(String series) throws IOException, InterruptedException {
        String text = send(HttpRequest.newBuilder(uri("/metrics")).GET()).body();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " in /metrics");
    }

    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** {@code POST /workers/ID/send}: {@code text} to worker {@code id} as a message; fails unless it was sent. */
    void send(String id, String text) throws IOException, InterruptedException {
        HttpResponse<String> sent = send(HttpRequest.newBuilder(uri("/workers/" + id + "/send"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(text)));
        if (sent.statusCode() != 200) {
            throw new AssertionError("sending '" + text + "' to worker " + id + ": " + sent.statusCode() + " " + sent.body());
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
