package dev.shepherd.it;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection to 127.0.0.1, its requests one after another. A response
 * with {@code Connection: close} ends the connection cleanly (the next request opens a new one);
 * anything else that ends it is an error for the caller to count.
 */
final class KeepAliveClient implements AutoCloseable {
    private final int port;
    private Socket socket;
    private InputStream in;

    KeepAliveClient(int port) {
        this.port = port;
    }

    /** GET / on the open connection (or a new one); the body of a 200, else an IOException. */
    String get() throws IOException {
        if (socket == null) {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
        }
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String status = line();
        int length = -1;
        boolean closes = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closes = true;
            }
        }
        if (!status.startsWith("HTTP/1.1 200") || length < 0) {
            throw new IOException("unexpected response: " + status);
        }
        String body = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
        if (body.length() != length) {
            throw new IOException("body cut short after " + body.length() + " of " + length + " bytes");
        }
        if (closes) {
            disconnect();
        }
        return body;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed mid-response after '" + line + "'");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** Closes the connection; the next request opens a new one. */
    void disconnect() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }

    @Override
    public void close() throws IOException {
        disconnect();
    }
}
