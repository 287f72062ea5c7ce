package dev.shepherd.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A worker that speaks the control protocol by hand, badly, once: it serves HTTP on its port, first
 * connects to its control socket as an impostor would (no hello with the secret: the edge must
 * close that connection), then connects properly and says {@code ready}, then for {@code HOSTILE_SECONDS} prints to stdout in a loop and sends message
 * frames in a loop (heartbeats among them), then sends a 100 MB line of junk and goes on sending
 * junk. Its slot's next instance (the file {@code $HOSTILE_DIR/hostile-<id>} exists by then) only
 * serves and sends heartbeats.
 */
public final class HostileWorker {
    private HostileWorker() {}

    public static void main(String[] args) throws Exception {
        String id = System.getenv("SHEPHERD_WORKER_ID");
        int port = Integer.parseInt(System.getenv("SHEPHERD_WORKER_PORT"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        byte[] hello = ("hello from hostile worker " + id + "\n").getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, hello.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(hello);
                }
            }
        });
        server.start();
        // An impostor first: another process that found the socket speaks without the secret.
        try (SocketChannel impostor = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            impostor.connect(UnixDomainSocketAddress.of(System.getenv("SHEPHERD_CONTROL_SOCKET")));
            send(impostor, "ready\n");
            if (impostor.read(ByteBuffer.allocate(1)) != -1) {
                throw new IllegalStateException("the edge kept a connection that said no hello");
            }
        }
        SocketChannel control = SocketChannel.open(StandardProtocolFamily.UNIX);
        control.connect(UnixDomainSocketAddress.of(System.getenv("SHEPHERD_CONTROL_SOCKET")));
        send(control, "hello " + System.getenv("SHEPHERD_CONTROL_SECRET") + "\nready\n");
        Path mark = Path.of(System.getenv("HOSTILE_DIR"), "hostile-" + id);
        if (Files.exists(mark)) {
            while (true) { // well-behaved from now on: heartbeats until the edge stops it
                send(control, "heartbeat\n");
                Thread.sleep(500);
            }
        }
        Files.createFile(mark);
        long until = System.nanoTime() + Long.parseLong(System.getenv("HOSTILE_SECONDS")) * 1_000_000_000L;
        long n = 0;
        while (System.nanoTime() < until) {
            System.out.println("flooding stdout, line " + n);
            send(control, "message flood " + n++ + "\nheartbeat\n");
        }
        byte[] junk = new byte[1 << 20];
        Arrays.fill(junk, (byte) 'j');
        for (int i = 0; i < 100; i++) {
            control.write(ByteBuffer.wrap(junk)); // one 100 MB line: far over the frame limit
        }
        while (true) {
            send(control, "\u0001\u0002 not a frame\n");
        }
    }

    private static void send(SocketChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
