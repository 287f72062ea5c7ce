package dev.shepherd.worker.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo worker of the default config: a tiny HTTP server on 127.0.0.1:$SHEPHERD_WORKER_PORT that
 * answers every request with its worker id and pid, and {@code /health} with {@code ok}.
 * Also handy as a stand-alone backend: {@code SHEPHERD_WORKER_PORT=9001 java -cp shepherd.jar dev.shepherd.worker.demo.DemoWorker}.
 */
public final class DemoWorker {
    private DemoWorker() {}

    public static void main(String[] args) throws IOException {
        String id = System.getenv().getOrDefault("SHEPHERD_WORKER_ID", "demo");
        String portText = System.getenv("SHEPHERD_WORKER_PORT");
        if (portText == null) {
            System.err.println("demo worker: SHEPHERD_WORKER_PORT is not set");
            System.exit(2);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            System.err.println("demo worker: SHEPHERD_WORKER_PORT is not a port number: '" + portText + "'");
            System.exit(2);
            return;
        }
        byte[] hello = ("hello from worker " + id + " (pid " + ProcessHandle.current().pid() + ")\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] ok = "ok\n".getBytes(StandardCharsets.UTF_8);

        // Without TCP_NODELAY the JDK server's header and body writes meet Nagle and delayed ACK: ~40 ms a response.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        ExecutorService executor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        server.setExecutor(executor);
        server.createContext("/", exchange -> reply(exchange, hello));
        server.createContext("/health", exchange -> reply(exchange, ok));
        server.start();
        System.out.println("demo worker " + id + " listening on 127.0.0.1:" + port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(1);
            executor.shutdown();
        }));
    }

    private static void reply(HttpExchange exchange, byte[] body) throws IOException {
        try (exchange) {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if ("close".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Connection"))) {
                // The JDK server closes such a connection; say so, as HTTP/1.1 asks.
                exchange.getResponseHeaders().set("Connection", "close");
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
