package dev.shepherd.proxy.health;

import dev.shepherd.proxy.config.HealthCheckSettings;
import dev.shepherd.proxy.endpoint.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One active check of an endpoint's port, blocking for at most the timeout: {@code tcp} passes
 * when a connection is accepted; {@code http} when {@code GET path} is answered 2xx.
 */
@FunctionalInterface
interface HealthProbe {
    CheckResult check(Endpoint endpoint, int timeoutMillis);

    static HealthProbe of(HealthCheckSettings settings) {
        return settings.type() == HealthCheckSettings.Type.HTTP ? http(settings.path()) : tcp();
    }

    static HealthProbe tcp() {
        return (endpoint, timeoutMillis) -> {
            try {
                connect(endpoint, timeoutMillis).close(); // accepted: that is all a tcp check asks
                return CheckResult.PASSED;
            } catch (IOException e) {
                return failure(e, timeoutMillis);
            }
        };
    }

    static HealthProbe http(String path) {
        byte[] request = ("GET " + path + " HTTP/1.0\r\nHost: localhost\r\nUser-Agent: shepherd-health-check\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        return (endpoint, timeoutMillis) -> {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            try (Socket socket = connect(endpoint, timeoutMillis)) {
                socket.getOutputStream().write(request);
                String statusLine = readLine(socket, deadline);
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
                    return CheckResult.failed("not an HTTP response: '" + shorten(statusLine) + "'");
                }
                return parts[1].startsWith("2") ? CheckResult.PASSED : CheckResult.failed("HTTP " + parts[1]);
            } catch (IOException e) {
                return failure(e, timeoutMillis);
            }
        };
    }

    /** A failure the edge caused itself (EMFILE, ENFILE, EADDRNOTAVAIL) says nothing of the endpoint. */
    private static CheckResult failure(IOException e, int timeoutMillis) {
        if (LocalErrors.isLocal(e.getMessage())) {
            return CheckResult.inconclusive(e.getMessage());
        }
        return CheckResult.failed(describe(e, timeoutMillis));
    }

    private static Socket connect(Endpoint endpoint, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), timeoutMillis);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The first line of the response, read within the check's deadline. */
    private static String readLine(Socket socket, long deadlineNanos) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        while (line.length() < 200) {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("timed out");
            }
            socket.setSoTimeout((int) left);
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before a status line");
            }
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static String describe(IOException e, int timeoutMillis) {
        if (e instanceof SocketTimeoutException) {
            return "timed out after " + timeoutMillis + " ms";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
