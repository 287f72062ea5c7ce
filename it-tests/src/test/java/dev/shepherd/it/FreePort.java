package dev.shepherd.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A loopback port that was free a moment ago, for processes that must be told their port up front. */
final class FreePort {
    private FreePort() {}

    static int reserve() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first of {@code count} consecutive loopback ports that were all free a moment ago, below
     * the ephemeral range so that no client connection takes one meanwhile.
     */
    static int reserveRange(int count) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    ServerSocket socket = new ServerSocket();
                    held.add(socket);
                    socket.setReuseAddress(true);
                    socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), first + i));
                }
                return first;
            } catch (IOException taken) {
                // try another range
            } finally {
                for (ServerSocket socket : held) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closing a probe
                    }
                }
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports in 20000..30000");
    }
}
