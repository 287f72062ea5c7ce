package dev.shepherd.proxy.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortHolderTest {

    @Test
    void theProcessListeningOnAPortIsNamedWithItsCommandLine() throws Exception {
        try (ServerSocket listening = new ServerSocket()) {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertThat(PortHolder.of(listening.getLocalPort()))
                    .hasValueSatisfying(holder -> assertThat(holder)
                            .startsWith("pid " + ProcessHandle.current().pid() + " (")
                            .contains("java"));
        }
    }

    @Test
    void aPortNobodyListensOnHasNoHolder() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        assertThat(PortHolder.of(port)).isEmpty();
    }
}
