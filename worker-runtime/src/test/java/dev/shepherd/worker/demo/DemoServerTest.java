package dev.shepherd.worker.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoServerTest {
    private int port;
    private DemoServer server;

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = DemoServer.start("7", port);
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void answersWithItsIdPidAndPortOverKeepAlive() throws IOException {
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5000);
            for (int i = 0; i < 2; i++) {
                send(client, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                String response = readResponse(client.getInputStream());
                assertThat(response).startsWith("HTTP/1.1 200").doesNotContain("Connection: close")
                        .endsWith("hello from worker 7 (pid " + ProcessHandle.current().pid() + ", port " + port + ")\n");
            }
            send(client, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 200").endsWith("ok\n");
        }
    }

    @Test
    void stopFinishesTheRequestInProgressThenClosesIdleConnectionsAndTheListener() throws Exception {
        try (Socket busy = new Socket("127.0.0.1", port); Socket idle = new Socket("127.0.0.1", port)) {
            busy.setSoTimeout(5000);
            idle.setSoTimeout(5000);
            send(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(idle.getInputStream())).startsWith("HTTP/1.1 200");
            // Half the body: the request is in progress until the rest arrives.
            send(busy, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
            Thread.sleep(200);

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(10)));
            Thread.sleep(300);
            assertThat(stopping).isNotDone();
            send(busy, "67890");
            String response = readResponse(busy.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200").contains("Connection: close").endsWith(")\n");
            stopping.get(5, TimeUnit.SECONDS);

            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        }
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Reads one response with a Content-length body. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the headers: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = Integer.parseInt(headers.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        byte[] body = in.readNBytes(length);
        return headers + new String(body, StandardCharsets.UTF_8);
    }
}
