package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RelayTest {
    private static final int MIB = 1024 * 1024;

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void clientHalfCloseReachesTheEndpointWhichCanStillAnswer(Transport transport) throws Exception {
        try (TestServer server = TestServer.start("counter", socket -> {
                    byte[] all = socket.getInputStream().readAllBytes();
                    socket.getOutputStream().write(("got " + all.length + " bytes").getBytes(StandardCharsets.US_ASCII));
                });
                RunningProxy proxy = RunningProxy.inFrontOf(transport, "", server);
                Socket client = proxy.connect()) {
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("got 5 bytes");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void endpointHalfCloseReachesTheClientWhichCanStillSend(Transport transport) throws Exception {
        AtomicReference<String> heard = new AtomicReference<>();
        try (TestServer server = TestServer.start("talker", socket -> {
                    socket.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                    socket.shutdownOutput();
                    heard.set(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                });
                RunningProxy proxy = RunningProxy.inFrontOf(transport, "", server);
                Socket client = proxy.connect()) {
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("bye");
            client.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertThat(RunningProxy.eventually(Duration.ofSeconds(5), () -> heard.get() != null)).isTrue();
            assertThat(heard.get()).isEqualTo("still here");
            assertThat(RunningProxy.eventually(Duration.ofSeconds(5), () -> proxy.server.activeConnections() == 0))
                    .as("both FINs passed on: the pair is closed while the client's socket is still open")
                    .isTrue();
        }
    }

    /**
     * The answer starts only after the client's FIN has been passed on, so the client's channel has
     * nothing to write when its input is shut; then the answer outgrows the socket buffers while the
     * client waits, so the edge must wait to write. Netty 4.2.18's epoll transport took that
     * channel out of its epoll set once it had nothing to wait for, and the wait to write then
     * failed (epoll_ctl MOD: ENOENT): the answer was cut short with a FIN (see EpollInterest).
     */
    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void aLargeAnswerAfterTheClientsHalfCloseArrivesWholeAtASlowClient(Transport transport) throws Exception {
        byte[] answer = new byte[32 * MIB];
        new Random(32).nextBytes(answer);
        try (TestServer server = TestServer.start("late answer", socket -> {
                    socket.getInputStream().readAllBytes();
                    socket.getOutputStream().write(answer);
                    socket.shutdownOutput();
                });
                RunningProxy proxy = RunningProxy.inFrontOf(transport, "", server);
                Socket client = proxy.connect()) {
            client.getOutputStream().write("GET".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            Thread.sleep(300); // the answer fills the buffers on the way while the client does not read
            byte[] got = client.getInputStream().readAllBytes();
            assertThat(got.length).isEqualTo(answer.length);
            assertThat(Arrays.equals(got, answer)).as("the answer, byte for byte").isTrue();
        }
    }

    /** The same the other way: the endpoint half-closes first, then takes a large upload slowly. */
    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void aLargeUploadAfterTheEndpointsHalfCloseArrivesWholeAtASlowEndpoint(Transport transport) throws Exception {
        byte[] upload = new byte[32 * MIB];
        new Random(23).nextBytes(upload);
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (TestServer server = TestServer.start("slow reader", socket -> {
                    socket.getOutputStream().write("send".getBytes(StandardCharsets.US_ASCII));
                    socket.shutdownOutput();
                    try {
                        Thread.sleep(300); // the upload fills the buffers on the way while the endpoint does not read
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    received.set(socket.getInputStream().readAllBytes());
                });
                RunningProxy proxy = RunningProxy.inFrontOf(transport, "", server);
                Socket client = proxy.connect()) {
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("send");
            client.getOutputStream().write(upload);
            client.shutdownOutput();
            assertThat(RunningProxy.eventually(Duration.ofSeconds(10), () -> received.get() != null)).isTrue();
            assertThat(received.get().length).isEqualTo(upload.length);
            assertThat(Arrays.equals(received.get(), upload)).as("the upload, byte for byte").isTrue();
        }
    }

    /**
     * A client that half-closes and then resets while its answer is still coming: on epoll its
     * channel then waits for nothing but errors, which a reset raises at every wake-up of a
     * level-triggered epoll set (see EpollInterest); the event loop must not spin on it.
     */
    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void aHalfClosedClientThatResetsDoesNotSpinTheEventLoop(Transport transport) throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        try (TestServer server = TestServer.start("slow answer", socket -> {
                    socket.getInputStream().readAllBytes();
                    try {
                        answer.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    socket.getOutputStream().write("late".getBytes(StandardCharsets.US_ASCII));
                });
                RunningProxy proxy = RunningProxy.inFrontOf(transport, "", server)) {
            try (Socket client = proxy.connect()) {
                client.getOutputStream().write("GET".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                Thread.sleep(300); // the FIN is passed on; the endpoint holds its answer
                client.setSoLinger(true, 0); // close with a reset
            }
            Thread.sleep(200);
            long before = eventLoopCpuNanos();
            Thread.sleep(1_000);
            long used = eventLoopCpuNanos() - before;
            answer.countDown();
            assertThat(used / 1_000_000).as("ms of event-loop CPU in the second after the reset").isLessThan(300);
        }
    }

    private static long eventLoopCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("shepherd-io")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void sixtyFourMebibytesOfRandomDataGoThroughAndBackIntact(Transport transport) throws Exception {
        byte[] chunk = new byte[MIB];
        try (TestServer server = TestServer.echo("echo");
                RunningProxy proxy = RunningProxy.inFrontOf(transport, "", server);
                Socket client = proxy.connect()) {
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                Random random = new Random(64);
                try {
                    OutputStream out = client.getOutputStream();
                    for (int i = 0; i < 64; i++) {
                        random.nextBytes(chunk);
                        sent.update(chunk);
                        out.write(chunk);
                    }
                    client.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            long count;
            try (InputStream in = new DigestInputStream(client.getInputStream(), received)) {
                count = in.transferTo(OutputStream.nullOutputStream());
            }
            writer.get(60, TimeUnit.SECONDS);
            assertThat(count).isEqualTo(64L * MIB);
            assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        }
    }
}
