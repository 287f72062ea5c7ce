package dev.shepherd.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigException;
import dev.shepherd.proxy.config.AdminSettings;
import dev.shepherd.proxy.config.ListenSpec;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.StaticBackend;
import dev.shepherd.proxy.health.RecordedChecks;
import dev.shepherd.proxy.operations.StaticBackends;
import dev.shepherd.proxy.operations.Operations;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin API over real HTTP, in front of two static endpoints (workers: the it-tests). */
class AdminServerTest {
    private final EndpointGroup group = new EndpointGroup();
    private final StaticBackends backends = new StaticBackends(group, new RecordedChecks(),
            List.of(Endpoint.parse("127.0.0.1:9001"), Endpoint.parse("127.0.0.1:9002")));
    private final StaticBackend a = backends.all().get(0);
    private final StaticBackend b = backends.all().get(1);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private AdminServer server;
    private int port;

    @AfterEach
    void stop() {
        server.close();
    }

    private void start(String token) throws InterruptedException {
        a.healthChanged(true, "2 health checks passed");
        b.healthChanged(true, "2 health checks passed");
        server = new AdminServer(new AdminSettings(new ListenSpec("127.0.0.1", 0), token),
                new Operations(null, backends, group, () -> CompletableFuture.failedFuture(
                        new ConfigException.Generic("shepherd.conf: 7: Invalid value at 'shepherd.balance': no such balance"))), () -> Map.of("listen", "127.0.0.1:8080"),
                () -> "shepherd_test_total 1.0\n", Duration.ofSeconds(1));
        port = server.start().getPort();
    }

    @Test
    void statusListsTheEdgeAndEveryEndpoint() throws Exception {
        start("");
        HttpResponse<String> status = get("/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.headers().firstValue("content-type")).contains("application/json");
        JsonNode body = json.readTree(status.body());
        assertThat(body.path("edge").path("listen").asText()).isEqualTo("127.0.0.1:8080");
        assertThat(body.path("endpoints")).hasSize(2);
        JsonNode first = body.path("endpoints").get(0);
        assertThat(first.path("id").asText()).isEqualTo("127.0.0.1:9001");
        assertThat(first.path("kind").asText()).isEqualTo("static");
        assertThat(first.path("state").asText()).isEqualTo("UP");
        assertThat(first.path("pid").isNull()).isTrue();
    }

    @Test
    void drainAndReadyMoveAStaticEndpointOutOfRotationAndBack() throws Exception {
        start("");
        HttpResponse<String> drained = post("/endpoints/127.0.0.1:9001/drain", null);
        assertThat(drained.statusCode()).as("no connection open: drained at once").isEqualTo(200);
        assertThat(group.eligible()).containsExactly(b.endpoint());

        group.tryOpenConnection(b.endpoint(), 10);
        HttpResponse<String> draining = post("/endpoints/127.0.0.1:9002/drain", null);
        assertThat(draining.statusCode()).as("a connection still open: accepted").isEqualTo(202);
        assertThat(draining.body()).contains("\"draining\":true");
        assertThat(get("/health").statusCode()).as("nothing eligible").isEqualTo(503);

        assertThat(post("/endpoints/127.0.0.1:9001/ready", null).statusCode()).isEqualTo(200);
        assertThat(group.eligible()).containsExactly(a.endpoint());
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void withATokenEveryPostNeedsItAndGetsStayOpen() throws Exception {
        start("s3cret");
        assertThat(post("/endpoints/127.0.0.1:9001/drain", null).statusCode()).isEqualTo(401);
        assertThat(post("/endpoints/127.0.0.1:9001/drain", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(group.eligible()).hasSize(2);
        assertThat(post("/endpoints/127.0.0.1:9001/drain", "Bearer s3cret").statusCode()).isEqualTo(200);
        assertThat(get("/status").statusCode()).isEqualTo(200);
    }

    @Test
    void badRequestsGetOneLineJsonErrorsThatDoNotRepeatTheInput() throws Exception {
        start("");
        HttpResponse<String> unknownRoute = get("/no/such/%3Cscript%3E");
        assertThat(unknownRoute.statusCode()).isEqualTo(404);
        assertThat(unknownRoute.body()).isEqualTo("{\"error\":\"no such route\"}\n");

        HttpResponse<String> wrongMethod = post("/status", null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.body()).isEqualTo("{\"error\":\"method not allowed here: use GET\"}\n");

        HttpResponse<String> unknownEndpoint = post("/endpoints/evil-input/drain", null);
        assertThat(unknownEndpoint.statusCode()).isEqualTo(404);
        assertThat(unknownEndpoint.body()).doesNotContain("evil-input")
                .contains("no such endpoint; the endpoints are 127.0.0.1:9001, 127.0.0.1:9002");

        assertThat(post("/workers/0/restart", null).statusCode()).isEqualTo(404);
        assertThat(post("/scale?count=many", null).statusCode()).isEqualTo(400);
        assertThat(post("/scale?count=3", null).statusCode()).as("no workers to scale").isEqualTo(409);
        HttpResponse<String> brokenFile = post("/config/reload", null);
        assertThat(brokenFile.statusCode()).as("a config file that does not validate").isEqualTo(422);
        assertThat(brokenFile.body()).contains("the running settings stay: shepherd.conf: 7: Invalid value at 'shepherd.balance'");
    }

    @Test
    void metricsAreThePrometheusText() throws Exception {
        start("");
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body()).isEqualTo("shepherd_test_total 1.0\n");
    }

    @Test
    void anOversizedRequestIsRefusedAndTheServerGoesOn() throws Exception {
        start("");
        HttpResponse<String> big = http.send(HttpRequest.newBuilder(uri("/workers/0/send"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(AdminServer.MAX_REQUEST_BYTES + 1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(get("/status").statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestThatIsNeverFinishedIsClosed() throws Exception {
        start("");
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), port)) {
            slow.setSoTimeout(10_000);
            OutputStream out = slow.getOutputStream();
            out.write("GET /status HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)); // no blank line: unfinished
            out.flush();
            long start = System.nanoTime();
            InputStream in = slow.getInputStream();
            assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
        }
        assertThat(get("/status").statusCode()).isEqualTo(200);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
