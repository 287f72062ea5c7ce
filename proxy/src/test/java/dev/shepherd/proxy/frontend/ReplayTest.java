package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.FailureReason;
import dev.shepherd.proxy.endpoint.PassiveHealth;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An endpoint that takes the client's request and ends the connection without a byte of answer
 * (a worker killed with connections in its listen backlog): with retry-on empty-response the
 * client's first bytes go again to another endpoint; without it the client gets the empty answer,
 * counted. Either way passive health hears of it.
 */
class ReplayTest {
    private static final byte[] REQUEST = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final List<String> passive = new CopyOnWriteArrayList<>();
    private final PassiveHealth recording = new PassiveHealth() {
        @Override
        public void failed(Endpoint endpoint, String why) {
            passive.add("failed " + endpoint.port() + ": " + why);
        }

        @Override
        public void answered(Endpoint endpoint) {
            passive.add("answered " + endpoint.port());
        }
    };

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void aRequestClosedUnansweredIsReplayedOnAnotherEndpointAndCounted(Transport transport) throws Exception {
        try (TestServer dead = hangingUp("dead", REQUEST.length, false); TestServer echo = TestServer.echo("echo");
                RunningProxy proxy = proxy(transport, "retry-on = [connect-failure, empty-response]", dead, echo)) {
            for (int i = 0; i < 10; i++) {
                assertThat(exchange(proxy, REQUEST)).as("answer %d", i).isEqualTo(REQUEST);
            }
            // The rotation goes on through the replays: every new client meets the dead one first.
            assertThat(dead.accepted()).isEqualTo(10);
            assertThat(echo.accepted()).isEqualTo(10);
            assertThat(replays(proxy)).isEqualTo(10);
            assertThat(proxy.failures(FailureReason.EMPTY_RESPONSE)).isZero();
            // A plain close is no passive-health error: an upload-only protocol ends that way.
            assertThat(passive).filteredOn(line -> line.startsWith("failed")).isEmpty();
            assertThat(passive).filteredOn(line -> line.equals("answered " + echo.port())).hasSize(10);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void aResetBeforeTheFirstByteIsReplayedToo(Transport transport) throws Exception {
        try (TestServer dead = hangingUp("dead", REQUEST.length, true); TestServer echo = TestServer.echo("echo");
                RunningProxy proxy = proxy(transport, "retry-on = [connect-failure, empty-response]", dead, echo)) {
            for (int i = 0; i < 4; i++) {
                assertThat(exchange(proxy, REQUEST)).isEqualTo(REQUEST);
            }
            assertThat(replays(proxy)).isEqualTo(4);
            // Each reset is a passive-health error, on every transport (io_uring told 2 of 4 from a
            // close while the relay flushed with empty writes: its empty send took the ECONNRESET).
            assertThat(passive).filteredOn(line -> line.startsWith("failed " + dead.port()))
                    .hasSize(4)
                    .allMatch(line -> line.contains("failed before the endpoint's first byte: ") && line.contains("Connection reset"));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void aClientThatHalfClosedAfterItsRequestIsReplayedWithItsEndOfInput(Transport transport) throws Exception {
        try (TestServer dead = hangingUp("dead", REQUEST.length, false); TestServer echo = TestServer.echo("echo");
                RunningProxy proxy = proxy(transport, "retry-on = [empty-response]", dead, echo)) {
            for (int i = 0; i < 4; i++) {
                try (Socket client = proxy.connect()) {
                    client.getOutputStream().write(REQUEST);
                    client.shutdownOutput();
                    // The echo server answers what it read and closes only after the replayed FIN.
                    assertThat(client.getInputStream().readAllBytes()).isEqualTo(REQUEST);
                }
            }
            assertThat(replays(proxy)).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void withoutEmptyResponseInRetryOnTheClientGetsTheEmptyAnswerAndItIsCounted(Transport transport) throws Exception {
        try (TestServer dead = hangingUp("dead", REQUEST.length, false); TestServer echo = TestServer.echo("echo");
                RunningProxy proxy = proxy(transport, "", dead, echo)) {
            int empty = 0;
            for (int i = 0; i < 10; i++) {
                if (exchange(proxy, REQUEST).length == 0) {
                    empty++;
                }
            }
            assertThat(empty).isEqualTo(5);
            assertThat(proxy.failures(FailureReason.EMPTY_RESPONSE)).isEqualTo(5);
            assertThat(replays(proxy)).isZero();
            assertThat(passive).filteredOn(line -> line.startsWith("failed")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void aClientThatSentMoreThanTheReplayLimitBeforeAnyAnswerIsNotReplayed(Transport transport) throws Exception {
        byte[] big = new byte[FrontendHandler.REPLAY_LIMIT + 4096];
        Arrays.fill(big, (byte) 'b');
        try (TestServer dead = hangingUp("dead", big.length, false); TestServer echo = TestServer.echo("echo");
                RunningProxy proxy = proxy(transport, "retry-on = [empty-response]", dead, echo)) {
            int empty = 0;
            for (int i = 0; i < 4; i++) {
                byte[] answer = exchange(proxy, big);
                if (answer.length == 0) {
                    empty++;
                } else {
                    assertThat(answer).isEqualTo(big);
                }
            }
            assertThat(empty).isEqualTo(2);
            assertThat(replays(proxy)).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void anEndpointThatClosesAConnectionNobodyUsedIsNoError(Transport transport) throws Exception {
        try (TestServer closer = TestServer.start("closer", socket -> { });
                RunningProxy proxy = proxy(transport, "retry-on = [empty-response]", closer);
                Socket client = proxy.connect()) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(passive).isEmpty();
            assertThat(replays(proxy)).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void anEndpointThatClosesBeforeTheClientSpokeIsTriedElsewhereAsARefusedConnectIs(Transport transport) throws Exception {
        try (TestServer closer = TestServer.start("closer", socket -> { }); TestServer echo = TestServer.echo("echo");
                RunningProxy proxy = proxy(transport, "", closer, echo)) {
            for (int i = 0; i < 4; i++) {
                try (Socket client = proxy.connect()) {
                    Thread.sleep(100); // the closer has closed by now, before the request
                    client.getOutputStream().write(REQUEST);
                    client.shutdownOutput();
                    assertThat(client.getInputStream().readAllBytes()).isEqualTo(REQUEST);
                }
            }
            assertThat(closer.accepted()).isEqualTo(4);
            assertThat(passive).filteredOn(line -> line.startsWith("failed")).isEmpty();
            assertThat(replays(proxy)).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void anEndpointSilentForFirstByteTimeoutAfterTheClientSpokeEndsThePairAndIsCounted(Transport transport) throws Exception {
        try (TestServer silent = TestServer.start("silent", socket -> socket.getInputStream().transferTo(OutputStream.nullOutputStream()));
                RunningProxy proxy = proxy(transport, "first-byte-timeout = 300ms", silent);
                Socket quiet = proxy.connect();
                Socket client = proxy.connect()) {
            Thread.sleep(500); // a client that has not spoken is not timed: quiet stays open
            long spoke = System.nanoTime();
            client.getOutputStream().write(REQUEST);
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - spoke)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
            assertThat(proxy.failures(FailureReason.FIRST_BYTE_TIMEOUT)).isEqualTo(1);
            assertThat(passive).containsExactly("failed " + silent.port()
                    + ": no byte within first-byte-timeout (300 ms) of the client's");
            quiet.getOutputStream().write(REQUEST); // still open; its own timer starts now
            assertThat(quiet.getInputStream().read()).isEqualTo(-1);
            assertThat(proxy.failures(FailureReason.FIRST_BYTE_TIMEOUT)).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void anEndpointThatAnswersInTimeIsNotTimed(Transport transport) throws Exception {
        try (TestServer echo = TestServer.echo("echo");
                RunningProxy proxy = proxy(transport, "first-byte-timeout = 200ms", echo);
                Socket client = proxy.connect()) {
            client.getOutputStream().write('a');
            assertThat(client.getInputStream().read()).isEqualTo('a');
            Thread.sleep(400);
            client.getOutputStream().write('b');
            assertThat(client.getInputStream().read()).isEqualTo('b');
            assertThat(proxy.failures(FailureReason.FIRST_BYTE_TIMEOUT)).isZero();
        }
    }

    private RunningProxy proxy(Transport transport, String settings, TestServer... servers) throws InterruptedException {
        return new RunningProxy(transport, settings, Arrays.stream(servers).map(TestServer::endpoint).toList(),
                recording);
    }

    /** Reads {@code bytes} of the request, then closes (a FIN) or resets the connection, unanswered. */
    private static TestServer hangingUp(String name, int bytes, boolean reset) throws IOException {
        return TestServer.start(name, socket -> {
            socket.getInputStream().readNBytes(bytes);
            if (reset) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        });
    }

    /** Sends {@code request}, half-closes, and reads the answer to its end; an empty answer on a reset. */
    private static byte[] exchange(RunningProxy proxy, byte[] request) throws IOException {
        try (Socket client = proxy.connect()) {
            client.getOutputStream().write(request);
            client.shutdownOutput();
            InputStream in = client.getInputStream();
            try {
                return in.readAllBytes();
            } catch (IOException reset) {
                return new byte[0];
            }
        }
    }

    private static double replays(RunningProxy proxy) {
        return proxy.registry.get("shepherd.replays").functionCounter().count();
    }
}
