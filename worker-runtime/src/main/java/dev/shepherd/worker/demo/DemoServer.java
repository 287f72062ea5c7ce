package dev.shepherd.worker.demo;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The demo worker's HTTP server (the JDK's), with a graceful stop. */
final class DemoServer {
    private final HttpServer server;
    private final ExecutorService executor;
    static final Duration LINGER = Duration.ofMillis(250);

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;

    private DemoServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static DemoServer start(String id, int port) throws IOException {
        // Without TCP_NODELAY the JDK server's header and body writes meet Nagle and delayed ACK: ~40 ms a response.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        ExecutorService executor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        http.setExecutor(executor);
        DemoServer demo = new DemoServer(http, executor);
        byte[] hello = ("hello from worker " + id + " (pid " + ProcessHandle.current().pid() + ", port " + port + ")\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] ok = "ok\n".getBytes(StandardCharsets.UTF_8);
        http.createContext("/", exchange -> demo.reply(exchange, hello)).getFilters().add(demo.counting());
        http.createContext("/health", exchange -> demo.reply(exchange, ok)).getFilters().add(demo.counting());
        http.start();
        return demo;
    }

    /**
     * Stops gracefully: from now on every response carries {@code Connection: close}; once the
     * requests in progress are answered and {@link #LINGER} has passed (or {@code limit} has) the
     * listener and every connection, idle keep-alive ones included, are closed. The linger lets a
     * keep-alive client in mid-conversation get its {@code Connection: close} answer and close
     * first, rather than have its next request meet the close.
     */
    void stop(Duration limit) {
        stopping = true;
        long now = System.nanoTime();
        long deadline = now + limit.toNanos();
        long lingerEnd = now + Math.min(LINGER.toNanos(), limit.toNanos() / 2);
        while ((inFlight.get() > 0 || System.nanoTime() < lingerEnd) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
        executor.shutdown();
    }

    private Filter counting() {
        return Filter.beforeHandler("counts requests in progress", exchange -> inFlight.incrementAndGet());
    }

    private void reply(HttpExchange exchange, byte[] body) throws IOException {
        try (exchange) {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if (stopping || "close".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Connection"))) {
                // The JDK server closes the connection after a response that says so.
                exchange.getResponseHeaders().set("Connection", "close");
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }
}
