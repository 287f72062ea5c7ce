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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A worker whose application gets stuck once the file {@code $STUCK_DIR/stuck-<id>} exists: every
 * request, {@code /health} included, waits for ever, and two of its threads deadlock. Its port
 * still accepts, and nothing in the process exits.
 */
public final class StuckWorker {
    private static final CountDownLatch NEVER = new CountDownLatch(1);

    private StuckWorker() {}

    public static void main(String[] args) throws IOException {
        Worker worker = Worker.current(args);
        Path stuck = Path.of(System.getenv("STUCK_DIR"), "stuck-" + worker.id());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), worker.port()), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        String hello = "hello from worker " + worker.id() + "\n";
        server.createContext("/", exchange -> {
            if (Files.exists(stuck)) {
                deadlockOnce();
                awaitForever();
            }
            reply(exchange, hello);
        });
        server.start();
        worker.ready();
    }

    private static synchronized void deadlockOnce() {
        if (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("stuck-"))) {
            return;
        }
        Object a = new Object();
        Object b = new Object();
        CountDownLatch both = new CountDownLatch(2);
        new Thread(() -> lock(a, b, both), "stuck-1").start();
        new Thread(() -> lock(b, a, both), "stuck-2").start();
    }

    private static void lock(Object outer, Object inner, CountDownLatch both) {
        synchronized (outer) {
            both.countDown();
            awaitBoth(both);
            synchronized (inner) {
                System.out.println("never printed");
            }
        }
    }

    private static void awaitBoth(CountDownLatch both) {
        try {
            both.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitForever() {
        try {
            NEVER.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (exchange) {
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
