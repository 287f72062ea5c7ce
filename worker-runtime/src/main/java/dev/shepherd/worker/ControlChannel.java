package dev.shepherd.worker;

import dev.shepherd.worker.protocol.Frame;
import dev.shepherd.worker.protocol.FrameReader;
import dev.shepherd.worker.protocol.FrameWriter;
import dev.shepherd.worker.protocol.MalformedFrameException;
import dev.shepherd.worker.protocol.SocketStreams;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The worker's end of its Unix-domain control socket: a daemon reader thread that dispatches the
 * supervisor's frames, and a daemon thread that sends heartbeats.
 */
final class ControlChannel {
    static final System.Logger log = System.getLogger("dev.shepherd.worker");

    interface Handler {
        void onMessage(String text);

        void onShutdownRequest(Duration deadline);

        void onDisconnect();

        /** Whether the application is alive; a heartbeat is sent only while it is. */
        boolean alive();
    }

    private final SocketChannel socket;
    private final FrameWriter writer;
    private final Handler handler;
    private final Duration heartbeatInterval;
    private final boolean reportHeap;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "shepherd-worker-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closing;
    private boolean lastAlive = true; // the heartbeat thread's
    private boolean readySent; // guarded by this

    private ControlChannel(SocketChannel socket, Duration heartbeatInterval, boolean reportHeap, Handler handler) {
        this.socket = socket;
        this.writer = new FrameWriter(SocketStreams.out(socket));
        this.handler = handler;
        this.heartbeatInterval = heartbeatInterval;
        this.reportHeap = reportHeap;
    }

    /**
     * Connects and says {@code hello} with the instance's {@code secret}, before any other frame.
     *
     * @param reportHeap whether heartbeats carry the heap in use (the edge asked for it)
     */
    static ControlChannel connect(Path path, String secret, Duration heartbeatInterval, boolean reportHeap, Handler handler)
            throws IOException {
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            socket.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        ControlChannel channel = new ControlChannel(socket, heartbeatInterval, reportHeap, handler);
        try {
            channel.writer.write(Frame.hello(secret));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return channel;
    }

    void startReading() {
        Thread reader = new Thread(this::read, "shepherd-worker-control");
        reader.setDaemon(true);
        reader.start();
        long millis = Math.max(1, heartbeatInterval.toMillis());
        heartbeats.scheduleAtFixedRate(this::heartbeat, 0, millis, TimeUnit.MILLISECONDS);
    }

    synchronized void sendOnce(Frame ready) {
        if (!readySent) {
            send(ready);
            readySent = true;
        }
    }

    void send(Frame frame) {
        try {
            writer.write(frame);
        } catch (IOException e) {
            throw new UncheckedIOException("control channel closed", e);
        }
    }

    /** Closes the channel on purpose (the worker is stopping): no disconnect is reported. */
    void close() {
        closing = true;
        heartbeats.shutdownNow();
        try {
            socket.close();
        } catch (IOException e) {
            log.log(System.Logger.Level.DEBUG, "closing the control channel", e);
        }
    }

    /** A heartbeat with the heap in use; a plain one where the heap cannot be read (no java.management module). */
    private static Frame heartbeatWithHeap() {
        try {
            return Frame.heartbeat(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        } catch (RuntimeException | LinkageError unreadable) {
            return Frame.heartbeat();
        }
    }

    private void heartbeat() {
        boolean alive = handler.alive();
        if (alive != lastAlive) {
            lastAlive = alive;
            log.log(alive ? System.Logger.Level.INFO : System.Logger.Level.WARNING, alive
                    ? "liveness check passes again: heartbeats resume"
                    : "liveness check failed: no heartbeats until it passes (the edge counts this worker hung after its heartbeat timeout)");
        }
        if (!alive) {
            return;
        }
        try {
            writer.write(reportHeap ? heartbeatWithHeap() : Frame.heartbeat());
        } catch (IOException e) {
            heartbeats.shutdown(); // the reader sees the close and reports it
        }
    }

    private void read() {
        FrameReader reader = new FrameReader(SocketStreams.in(socket));
        try {
            while (true) {
                Frame frame;
                try {
                    frame = reader.next();
                } catch (MalformedFrameException e) {
                    log.log(System.Logger.Level.WARNING, "dropped a malformed control frame: " + e.getMessage());
                    continue;
                }
                if (frame == null) {
                    break;
                }
                switch (frame.type()) {
                    case MESSAGE -> handler.onMessage(frame.payload());
                    case SHUTDOWN -> {
                        closing = true;
                        handler.onShutdownRequest(frame.deadline());
                    }
                    default -> log.log(System.Logger.Level.WARNING, "dropped a '" + frame + "' frame: only a worker sends those");
                }
            }
        } catch (IOException e) {
            if (!closing) {
                log.log(System.Logger.Level.DEBUG, "control channel read failed", e);
            }
        }
        heartbeats.shutdownNow();
        if (!closing) {
            handler.onDisconnect();
        }
    }
}
