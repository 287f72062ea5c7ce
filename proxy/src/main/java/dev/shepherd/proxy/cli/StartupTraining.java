package dev.shepherd.proxy.cli;

import dev.shepherd.proxy.supervisor.PortCheck;
import dev.shepherd.proxy.supervisor.WorkerCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A start-up run once under {@code -XX:ArchiveClassesAtExit=FILE}, so that each later start maps
 * the classes the edge loads from that class data sharing archive (given with
 * {@code -XX:SharedArchiveFile=FILE}) instead of loading, verifying and linking them again: the
 * edge listened 1.4 s after its launch instead of 2.4 s on a 2-core machine. {@code mvn package}
 * runs it for {@code proxy/target/shepherd.jar}, {@code bin/shepherd archive-classes} for a
 * distribution (the archive names the jar's path: it serves only the jar it was made with).
 *
 * <p>The demo worker it runs archives its own classes as it exits, into
 * {@link WorkerCommand#DEMO_ARCHIVE} beside the jar, which the demo worker maps from then on.
 *
 * <p>Runs the real edge ({@code run -c} a temporary file: one demo worker, loopback ports, set as
 * system properties too, so that no {@code CONFIG_FORCE_} variable moves them), waits for a proxied
 * response, asks the admin API for status and metrics, then stops the edge as SIGTERM does; the
 * archive is written as the JVM exits. A training that could not finish still leaves a valid
 * archive, with fewer classes: it says why on stderr and exits 0, so that a build goes on. It ends
 * within {@link #LIMIT} whatever happens.
 */
public final class StartupTraining {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** The whole training's limit: its deadline, the edge's stop (shutdown-timeout 30 s) and a margin. */
    static final Duration LIMIT = Duration.ofSeconds(120);
    private static volatile Path file; // the edge's config file, deleted once read (a halt skips deleteOnExit)

    private StartupTraining() {}

    public static void main(String[] args) throws IOException {
        NettyDefaults.applyTo(System.getProperties()); // as Main does: the same allocator's classes
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(LIMIT.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            incomplete("not ended within " + LIMIT.toSeconds() + " s");
        }, "training-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        int listen = freePort();
        int admin = freePort();
        int worker = freeWorkerPort();
        file = Files.createTempFile("shepherd-training", ".conf");
        Files.writeString(file, "shepherd { workers.command = [] }\n");
        WorkerCommand.demoArchive().ifPresent(archive -> System.setProperty(WorkerCommand.TRAINING_PROPERTY, archive.toString()));
        Map.of("shepherd.listen.host", "127.0.0.1", "shepherd.listen.port", Integer.toString(listen),
                "shepherd.admin.host", "127.0.0.1", "shepherd.admin.port", Integer.toString(admin),
                "shepherd.workers.count", "1", "shepherd.workers.first-port", Integer.toString(worker))
                .forEach(System::setProperty);
        Thread edge = new Thread(() -> {
            try {
                incomplete("the edge ended with exit code " + Main.execute("run", "-c", file.toString()));
            } catch (Throwable e) {
                incomplete("the edge failed: " + e);
            }
        }, "training-edge");
        edge.start();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try {
            awaitOk(listen, "/", deadline);
            Files.deleteIfExists(file);
            awaitOk(admin, "/status", deadline);
            awaitOk(admin, "/metrics", deadline);
        } catch (IOException | InterruptedException e) {
            System.err.println("startup training: incomplete, the archive holds the classes loaded so far: " + e.getMessage());
        }
        if (!Signals.raise("TERM")) {
            System.exit(0); // the shutdown hook stops the edge
        }
    }

    /** Ends the training at once, exit 0: the archive is written with the classes loaded so far. */
    private static void incomplete(String why) {
        System.err.println("startup training: " + why + "; the archive holds the classes loaded so far");
        try {
            Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            // a temporary file left behind
        }
        Runtime.getRuntime().halt(0);
    }

    /** Asks {@code path} of 127.0.0.1:{@code port} until the answer is 200, or the deadline passes. */
    private static void awaitOk(int port, String path, long deadline) throws IOException, InterruptedException {
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                if (answer.startsWith("HTTP/1.1 200")) {
                    return;
                }
                last = answer.isEmpty() ? "an empty answer" : answer.lines().findFirst().orElse("");
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(50);
        }
        throw new IOException("no 200 from 127.0.0.1:" + port + path + " within " + DEADLINE.toSeconds() + " s: " + last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A free loopback port below the ephemeral range, where no client connection takes it meanwhile. */
    private static int freeWorkerPort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            if (PortCheck.isFree(port)) {
                return port;
            }
        }
        throw new IOException("no free port in 20000..30000");
    }
}
