package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProxyProtocolTest {
    private static final byte[] PAYLOAD = "payload".getBytes(StandardCharsets.US_ASCII);

    @Test
    void v1HeaderPrecedesTheClientsBytes() throws Exception {
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (TestServer server = recording(received); RunningProxy proxy = RunningProxy.inFrontOf("proxy-protocol = v1", server)) {
            int clientPort = sendPayload(proxy);
            String header = "PROXY TCP4 127.0.0.1 127.0.0.1 " + clientPort + " " + proxy.port + "\r\n";
            assertThat(awaitBytes(received)).isEqualTo(concat(header.getBytes(StandardCharsets.US_ASCII), PAYLOAD));
        }
    }

    @Test
    void v2HeaderPrecedesTheClientsBytes() throws Exception {
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (TestServer server = recording(received); RunningProxy proxy = RunningProxy.inFrontOf("proxy-protocol = v2", server)) {
            int clientPort = sendPayload(proxy);
            ByteBuffer header = ByteBuffer.allocate(28);
            header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
            header.put((byte) 0x21); // version 2, command PROXY
            header.put((byte) 0x11); // AF_INET, STREAM
            header.putShort((short) 12); // two IPv4 addresses and two ports
            header.put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1});
            header.putShort((short) clientPort).putShort((short) proxy.port);
            assertThat(awaitBytes(received)).isEqualTo(concat(header.array(), PAYLOAD));
        }
    }

    @Test
    void offSendsOnlyTheClientsBytes() throws Exception {
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (TestServer server = recording(received); RunningProxy proxy = RunningProxy.inFrontOf("proxy-protocol = off", server)) {
            sendPayload(proxy);
            assertThat(awaitBytes(received)).isEqualTo(PAYLOAD);
        }
    }

    private static TestServer recording(AtomicReference<byte[]> received) throws java.io.IOException {
        return TestServer.start("recorder", socket -> received.set(socket.getInputStream().readAllBytes()));
    }

    private static int sendPayload(RunningProxy proxy) throws Exception {
        try (Socket client = proxy.connect()) {
            client.getOutputStream().write(PAYLOAD);
            client.shutdownOutput();
            client.getInputStream().readAllBytes();
            return client.getLocalPort();
        }
    }

    private static byte[] awaitBytes(AtomicReference<byte[]> received) throws InterruptedException {
        assertThat(RunningProxy.eventually(Duration.ofSeconds(5), () -> received.get() != null)).isTrue();
        return received.get();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
