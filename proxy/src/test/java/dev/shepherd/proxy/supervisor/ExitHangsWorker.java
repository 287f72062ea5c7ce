package dev.shepherd.proxy.supervisor;

import dev.shepherd.worker.Worker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A worker (run in its own JVM by the tests) that says ready, then calls {@code System.exit} a
 * moment later while one of its own shutdown hooks never returns: the runtime closes the control
 * channel, the JVM never finishes exiting.
 */
public final class ExitHangsWorker {
    private ExitHangsWorker() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Worker worker = Worker.current(args);
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), worker.port()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        worker.ready();
        Thread.sleep(1500);
        System.exit(0);
    }
}
