package dev.shepherd.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/** One HTTP/1.0 request on a new connection to 127.0.0.1, so every request is balanced on its own. */
final class Http {
    /** What {@link #get} sends. */
    static final String REQUEST = "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";

    private Http() {}

    /**
     * {@code requests} requests, each on a new connection: the distinct bodies from {@code from} on
     * (which each response must contain), stripped; fails on any response but 200.
     */
    static Set<String> answers(int port, int requests, String from) throws IOException {
        Set<String> answers = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            String response = get(port);
            if (!response.startsWith("HTTP/1.1 200") || !response.contains(from)) {
                throw new AssertionError("not a 200 with '" + from + "' in it: " + response);
            }
            answers.add(response.substring(response.indexOf(from)).strip());
        }
        return answers;
    }

    /** The whole response, status line to end of body. */
    static String get(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
