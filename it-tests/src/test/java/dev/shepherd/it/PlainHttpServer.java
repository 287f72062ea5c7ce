package dev.shepherd.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An HTTP server that knows nothing of Shepherd: its port comes from {@code --port=N} and its name
 * from the variable {@code APP_NAME}, as an existing application's would. {@code /} answers its
 * name, port and working directory.
 */
public final class PlainHttpServer {
    private PlainHttpServer() {}

    public static void main(String[] args) throws IOException {
        int port = -1;
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = Integer.parseInt(arg.substring("--port=".length()));
            }
        }
        if (port < 0) {
            System.err.println("usage: PlainHttpServer --port=N");
            System.exit(2);
        }
        serve(port, System.getenv("APP_NAME") + " on port " + port + " in " + Path.of("").toAbsolutePath() + "\n");
    }

    /** Starts a server on 127.0.0.1:{@code port} whose every path answers 200 with {@code text}. */
    static HttpServer serve(int port, String text) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return server;
    }
}
