package dev.shepherd.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A loopback port that was free a moment ago, for processes that must be told their port up front;
 * never one handed out before in this JVM (the kernel gives a just-closed ephemeral port again, and
 * two processes of one test were once told the same port).
 */
final class FreePort {
    private static final Set<Integer> GIVEN = new HashSet<>(); // guarded by the class: see givenAll

    private FreePort() {}

    static int reserve() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                if (givenAll(socket.getLocalPort(), 1)) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no loopback port not given before in 100 attempts");
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
                if (!givenAll(first, count)) {
                    continue;
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

    /** Marks {@code count} ports from {@code first} as given; false, marking none, when one was given before. */
    private static synchronized boolean givenAll(int first, int count) {
        for (int i = 0; i < count; i++) {
            if (GIVEN.contains(first + i)) {
                return false;
            }
        }
        for (int i = 0; i < count; i++) {
            GIVEN.add(first + i);
        }
        return true;
    }
}
