package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.endpoint.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A blocking TCP server on 127.0.0.1, port 0, one thread per connection: the endpoint side of a test. */
final class TestServer implements AutoCloseable {

    /** What the server does with one accepted connection. */
    @FunctionalInterface
    interface Conversation {
        void handle(Socket socket) throws IOException;
    }

    private final String name;
    private final ServerSocket serverSocket;
    private final Conversation conversation;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> open = new ArrayList<>();
    private final Thread acceptor;

    private TestServer(String name, Conversation conversation) throws IOException {
        this.name = name;
        this.conversation = conversation;
        this.serverSocket = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "test-server-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static TestServer start(String name, Conversation conversation) throws IOException {
        return new TestServer(name, conversation);
    }

    /** Echoes every byte until the client's EOF, then closes its output. */
    static TestServer echo(String name) throws IOException {
        return start(name, TestServer::echo);
    }

    /** Writes its name and a newline, then echoes. */
    static TestServer greeting(String name) throws IOException {
        return start(name, socket -> {
            socket.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            echo(socket);
        });
    }

    static void echo(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        in.transferTo(out);
        socket.shutdownOutput();
    }

    /** A port on 127.0.0.1 where nothing listens: connecting to it is refused. */
    static Endpoint refusingEndpoint() throws IOException {
        int port;
        try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = reserved.getLocalPort();
        }
        return Endpoint.parse("127.0.0.1:" + port);
    }

    String name() {
        return name;
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    Endpoint endpoint() {
        return Endpoint.parse("127.0.0.1:" + port());
    }

    int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                accepted.incrementAndGet();
                synchronized (open) {
                    open.add(socket);
                }
                Thread handler = new Thread(() -> converse(socket), "test-server-" + name + "-conn");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void converse(Socket socket) {
        try (socket) {
            conversation.handle(socket);
        } catch (IOException ignored) {
            // The client went away; the test asserts what it needs on its own side.
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        synchronized (open) {
            for (Socket socket : open) {
                socket.close();
            }
        }
    }
}
