package dev.shepherd.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Traffic through an edge for as long as a test runs (at most {@code limit}): one client opening a
 * new connection per request and, unless asked not to, one holding a keep-alive connection. Every request that does not end
 * in a whole 200 is counted as failed, with its first few errors kept.
 */
final class TrafficLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final List<String> errors = new ArrayList<>();
    private final List<Thread> clients = new ArrayList<>();

    TrafficLoad(int port, Duration limit) {
        this(port, limit, true);
    }

    /** Only the client that opens a new connection per request: what a killed worker must not cost. */
    static TrafficLoad newConnectionsOnly(int port, Duration limit) {
        return new TrafficLoad(port, limit, false);
    }

    private TrafficLoad(int port, Duration limit, boolean keepAlive) {
        long deadline = System.nanoTime() + limit.toNanos();
        clients.add(new Thread(() -> {
            while (running.get() && System.nanoTime() < deadline) {
                try {
                    String response = Http.get(port);
                    count(response.matches("(?s)HTTP/1\\.[01] 200 .*"), "new connection: " + firstLine(response));
                } catch (IOException e) {
                    count(false, "new connection: " + e);
                }
                pause();
            }
        }, "connection-per-request"));
        if (!keepAlive) {
            clients.forEach(Thread::start);
            return;
        }
        clients.add(new Thread(() -> {
            try (KeepAliveClient client = new KeepAliveClient(port)) {
                while (running.get() && System.nanoTime() < deadline) {
                    try {
                        client.get();
                        count(true, null);
                    } catch (IOException e) {
                        count(false, "keep-alive: " + e);
                        client.disconnect();
                    }
                    pause();
                }
            } catch (IOException e) {
                count(false, "keep-alive close: " + e);
            }
        }, "keep-alive"));
        clients.forEach(Thread::start);
    }

    private void count(boolean ok, String error) {
        requests.incrementAndGet();
        if (!ok) {
            failures.incrementAndGet();
            synchronized (errors) {
                if (errors.size() < 10) {
                    errors.add(error);
                }
            }
        }
    }

    private static String firstLine(String response) {
        int end = response.indexOf('\r');
        return end < 0 ? "'" + response + "'" : response.substring(0, end);
    }

    private static void pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int requests() {
        return requests.get();
    }

    int failures() {
        return failures.get();
    }

    /** Waits until {@code count} requests have been made in all; fails if that takes longer than {@code within}. */
    void awaitRequests(int count, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (requests.get() < count) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError(requests.get() + " of " + count + " requests made within " + within + "; errors: " + errors());
            }
            Thread.sleep(10);
        }
    }

    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** Stops both clients and waits for them; the counts are final after it. */
    void stop() {
        running.set(false);
        try {
            for (Thread client : clients) {
                client.join(30_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
