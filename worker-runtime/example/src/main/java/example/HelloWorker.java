package example;

import com.sun.net.httpserver.HttpServer;
import dev.shepherd.worker.Worker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A worker as the README's "Writing a worker" shows it: an HTTP server on the port Shepherd gives
 * it, ready once it listens, stopped gracefully on Shepherd's stop request or SIGTERM, answering
 * the edge's messages, and replaced (not killed) after an uncaught exception.
 */
public final class HelloWorker {
    private HelloWorker() {}

    public static void main(String[] args) throws IOException {
        Worker worker = Worker.current(args);   // first, before binding: opens the control channel
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", worker.port()), 0);
        server.createContext("/", exchange -> {
            byte[] body = ("hello from example worker " + worker.id() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        worker.onShutdown(() -> server.stop(1));              // Shepherd's stop request, or SIGTERM
        worker.onMessage(text -> worker.send("got " + text)); // messages both ways, as Node's worker.send
        worker.replaceOnUncaughtException();                  // a fresh instance first, then this one goes
        worker.ready();                                       // now traffic comes
    }
}
