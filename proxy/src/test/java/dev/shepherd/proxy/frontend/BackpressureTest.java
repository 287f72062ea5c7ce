package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BackpressureTest {
    private static final long TOTAL = 256L * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;
    /** What a sender writes at once: more than any read takes, so a read finds as much as it asks for. */
    private static final int WRITE = 1024 * 1024;

    /**
     * While both sides are open a pair holds at most one read per direction, and reads grow to
     * {@code read-buffer-size} while a transfer fills them: what a stalled pair holds is one full read.
     */
    /** Every transport that loads here, with a small and the default read-buffer-size. */
    static Stream<Arguments> transportsAndReadSizes() {
        return Transport.available().stream()
                .flatMap(transport -> Stream.of(16 * 1024, 256 * 1024).map(size -> Arguments.of(transport, size)));
    }

    /**
     * What the read held at the stall must exceed to show that reads grew towards the key: above
     * Netty's own 64 KiB cap for a larger key (an ignored key fails), else half the key. Not the
     * key itself: the read that stalls takes what the kernel holds at that moment, 111 KB of 256
     * KiB in one run out of four.
     */
    private static long grownReadFloor(int readBufferSize) {
        return readBufferSize > 64 * 1024 ? 64 * 1024 : readBufferSize / 2;
    }

    @ParameterizedTest(name = "{0}, read-buffer-size {1} bytes")
    @MethodSource("transportsAndReadSizes")
    void aSlowClientKeepsWhatTheProxyHoldsToOneRead(Transport transport, int readBufferSize) throws Exception {
        AtomicLong sentByEndpoint = new AtomicLong();
        try (TestServer server = TestServer.start("firehose", socket -> {
                    OutputStream out = socket.getOutputStream();
                    byte[] chunk = new byte[WRITE];
                    for (long sent = 0; sent < TOTAL; sent += WRITE) {
                        out.write(chunk);
                        sentByEndpoint.addAndGet(WRITE);
                    }
                    socket.shutdownOutput();
                });
                RunningProxy proxy = RunningProxy.inFrontOf(transport, "read-buffer-size = " + readBufferSize, server);
                Socket client = proxy.connect()) {
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[CHUNK];
            long maxBuffered = 0;
            long received = 0;

            // Phase 1: read nothing for a second; the endpoint must stall, not the proxy fill up.
            long stallEnd = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < stallEnd) {
                maxBuffered = Math.max(maxBuffered, proxy.server.bufferedBytes());
                Thread.sleep(5);
            }
            long sentDuringStall = sentByEndpoint.get();

            // Phase 2: a slow reader, 4 KiB every 2 ms, for two seconds.
            long slowEnd = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < slowEnd) {
                int n = in.read(buffer, 0, 4096);
                assertThat(n).isPositive();
                received += n;
                maxBuffered = Math.max(maxBuffered, proxy.server.bufferedBytes());
                Thread.sleep(2);
            }

            // Phase 3: drain the rest at full speed; every byte arrives. Not sampled: once the endpoint
            // has sent its FIN, Netty's native transports read what the kernel still holds for that
            // socket (at most its receive buffer) at once, backpressure or not.
            int n;
            while ((n = in.read(buffer)) > 0) {
                received += n;
            }

            assertThat(received).isEqualTo(TOTAL);
            assertThat(sentDuringStall)
                    .as("bytes the endpoint got rid of while nobody read (kernel buffers only)")
                    .isLessThan(32L * 1024 * 1024);
            assertThat(maxBuffered).as("most bytes held in the proxy at once")
                    .isGreaterThan(grownReadFloor(readBufferSize)).isLessThanOrEqualTo(readBufferSize);
        }
    }

    @ParameterizedTest(name = "{0}, read-buffer-size {1} bytes")
    @MethodSource("transportsAndReadSizes")
    void aSlowEndpointKeepsWhatTheProxyHoldsToOneRead(Transport transport, int readBufferSize) throws Exception {
        long upload = 64L * 1024 * 1024;
        CountDownLatch stalled = new CountDownLatch(1);
        AtomicLong receivedByEndpoint = new AtomicLong();
        try (TestServer server = TestServer.start("sink", socket -> {
                    try {
                        stalled.await(30, TimeUnit.SECONDS); // reads nothing until the test has sampled
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    receivedByEndpoint.set(socket.getInputStream().transferTo(OutputStream.nullOutputStream()));
                });
                RunningProxy proxy = RunningProxy.inFrontOf(transport, "read-buffer-size = " + readBufferSize, server);
                Socket client = proxy.connect()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    byte[] chunk = new byte[WRITE];
                    for (long sent = 0; sent < upload; sent += WRITE) {
                        out.write(chunk);
                    }
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            long maxBuffered = 0;
            long stallEnd = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < stallEnd) {
                maxBuffered = Math.max(maxBuffered, proxy.server.bufferedBytes());
                Thread.sleep(5);
            }
            assertThat(writer).as("the client is blocked: the endpoint reads nothing").isNotDone();

            stalled.countDown();
            writer.get(60, TimeUnit.SECONDS);
            assertThat(RunningProxy.eventually(Duration.ofSeconds(30), () -> receivedByEndpoint.get() == upload)).isTrue();
            assertThat(maxBuffered).as("most bytes held in the proxy at once")
                    .isGreaterThan(grownReadFloor(readBufferSize)).isLessThanOrEqualTo(readBufferSize);
        }
    }
}
