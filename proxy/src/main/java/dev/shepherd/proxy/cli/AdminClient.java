package dev.shepherd.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * One call to a running edge's admin API. A failure is an {@link AdminException} whose message is
 * the one line to print: no API answering, or the API's own error.
 */
final class AdminClient {
    static final class AdminException extends RuntimeException {
        AdminException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET(), path);
    }

    /** A POST; long operations (a rolling restart) answer when done, so it may wait minutes. */
    JsonNode post(String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request, path);
    }

    /** The HTTP status of a GET whose status is its answer ({@code /health}: 200 or 503). */
    int statusOf(String path) {
        return exchange(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET(), path).statusCode();
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        HttpResponse<String> response = exchange(request, path);
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AdminException(base.getAuthority() + " answered " + path + " with " + response.statusCode()
                    + " and no JSON: is it a Shepherd admin API?");
        }
        if (response.statusCode() >= 300) {
            throw new AdminException(json.path("error").asText("HTTP " + response.statusCode()));
        }
        return json;
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request, String path) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new AdminException("no Shepherd admin API at " + base.getAuthority() + ": connection refused");
        } catch (HttpTimeoutException e) {
            throw new AdminException("the Shepherd admin API at " + base.getAuthority() + " did not answer " + path + " in time");
        } catch (IOException e) {
            throw new AdminException("no Shepherd admin API at " + base.getAuthority() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
    }
}
