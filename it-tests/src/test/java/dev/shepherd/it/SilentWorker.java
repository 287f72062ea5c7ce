package dev.shepherd.it;

import dev.shepherd.worker.protocol.Frame;
import dev.shepherd.worker.protocol.FrameWriter;
import dev.shepherd.worker.protocol.SocketStreams;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A worker that hangs after it starts: it binds its port and says ready over its control channel,
 * then never sends a heartbeat, as a JVM stuck in a GC spiral would. It exits when the channel
 * closes.
 */
public final class SilentWorker {
    private SilentWorker() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv("SHEPHERD_WORKER_PORT"));
        try (ServerSocket server = new ServerSocket();
                SocketChannel control = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            control.connect(UnixDomainSocketAddress.of(System.getenv("SHEPHERD_CONTROL_SOCKET")));
            FrameWriter out = new FrameWriter(SocketStreams.out(control));
            out.write(Frame.hello(System.getenv("SHEPHERD_CONTROL_SECRET")));
            out.write(Frame.ready());
            System.out.println("silent worker on port " + port + ", saying nothing more");
            // Like any worker, it leaves when the edge is gone, so a test never leaves it behind.
            InputStream in = SocketStreams.in(control);
            while (in.read() >= 0) {
                // Shepherd's frames are ignored
            }
            System.exit(0);
        }
    }
}
