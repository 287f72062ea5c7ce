package dev.shepherd.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shepherd.worker.Worker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker whose {@code /health} answers 500 while the file {@code $HEALTH_DIR/fail-<id>} exists,
 * 200 otherwise; {@code /} says which worker answered.
 */
public final class FlakyHealthWorker {
    private FlakyHealthWorker() {}

    public static void main(String[] args) throws IOException {
        Worker worker = Worker.current(args);
        Path failFile = Path.of(System.getenv("HEALTH_DIR"), "fail-" + worker.id());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), worker.port()), 50);
        String hello = "hello from worker " + worker.id() + " (pid " + ProcessHandle.current().pid() + ")\n";
        server.createContext("/", exchange -> reply(exchange, 200, hello));
        server.createContext("/health", exchange -> {
            boolean failing = Files.exists(failFile);
            reply(exchange, failing ? 500 : 200, failing ? "failing\n" : "ok\n");
        });
        server.start();
        worker.onShutdown(() -> server.stop(0));
        worker.ready();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (exchange) {
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
