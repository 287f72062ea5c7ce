package dev.shepherd.proxy.supervisor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A worker (run in its own JVM by the tests) that speaks to the edge but never reads what the edge
 * sends it: hello, ready, then a heartbeat every 200 ms while its port accepts.
 */
public final class DeafWorker {
    private DeafWorker() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(System.getenv("SHEPHERD_WORKER_PORT"))));
        SocketChannel control = SocketChannel.open(StandardProtocolFamily.UNIX);
        control.connect(UnixDomainSocketAddress.of(System.getenv("SHEPHERD_CONTROL_SOCKET")));
        write(control, "hello " + System.getenv("SHEPHERD_CONTROL_SECRET") + "\nready\n");
        while (true) {
            write(control, "heartbeat\n");
            Thread.sleep(200);
        }
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
