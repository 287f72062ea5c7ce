package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.logging.LogLimiter;
import dev.shepherd.worker.protocol.Frame;
import dev.shepherd.worker.protocol.FrameReader;
import dev.shepherd.worker.protocol.FrameWriter;
import dev.shepherd.worker.protocol.MalformedFrameException;
import dev.shepherd.worker.protocol.SocketStreams;
import dev.shepherd.worker.protocol.WorkerEnv;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's end of one worker's control channel: a Unix-domain socket (in a directory only
 * the edge's user may open) that accepts the one connection whose first frame is {@code hello}
 * with the instance's secret, then unlinks its path, and a thread that reads the worker's frames.
 * A connection without the secret is closed and logged (rate-limited), and the socket waits on. A
 * worker that breaks the protocol is reported once; what it sends after that is dropped unread.
 */
final class ControlSocket implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlSocket.class);

    interface Handler {
        /** The worker connected: it links worker-runtime. */
        void onConnected();

        void onFrame(Frame frame);

        /**
         * The worker broke the protocol (a malformed or oversized frame, a frame only the edge
         * sends): called once; the channel's bytes are read and dropped from then on.
         */
        void onBroken(String why);

        /** The worker's end closed (it is exiting), or the socket was closed. */
        void onClosed();
    }

    /** The frames a worker may send. */
    private static final Set<Frame.Type> FROM_WORKERS = EnumSet.of(Frame.Type.READY, Frame.Type.HEARTBEAT,
            Frame.Type.MESSAGE, Frame.Type.STOPPING, Frame.Type.REPLACE, Frame.Type.DRAIN, Frame.Type.UNDRAIN, Frame.Type.WEIGHT);

    /** How long a connection has to say hello. */
    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(2);
    private static final ScheduledExecutorService HELLO_TIMER = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("shepherd-control-hello", true));

    /** Frames waiting to be written to a worker: one that does not read fills this, and what does not fit is dropped. */
    static final int OUTBOUND_FRAMES = 64;

    private final String workerId;
    private final Path path;
    private final byte[] secret;
    private final BlockingQueue<Frame> outbound = new ArrayBlockingQueue<>(OUTBOUND_FRAMES);
    private final LogLimiter droppedLog = new LogLimiter(1, 10, TimeUnit.SECONDS, System::nanoTime);
    private volatile Thread writing;
    private final LogLimiter refusedLog = new LogLimiter(10, TimeUnit.SECONDS, System::nanoTime);
    private final ServerSocketChannel server;
    private volatile SocketChannel channel;
    private volatile FrameWriter writer;
    private volatile long lastFrameNanos;
    private volatile boolean closed;

    private ControlSocket(String workerId, Path path, String secret, ServerSocketChannel server) {
        this.workerId = workerId;
        this.path = path;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.server = server;
    }

    /**
     * Binds {@code path}; {@link #start} then waits for the worker, whose hello must carry
     * {@code secret}, on a daemon thread.
     */
    static ControlSocket bind(String workerId, Path path, String secret) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return new ControlSocket(workerId, path, secret, server);
    }

    Path path() {
        return path;
    }

    void start(Handler handler) {
        Thread thread = new Thread(() -> run(handler), "worker-" + workerId + "-control");
        thread.setDaemon(true);
        thread.start();
    }

    boolean connected() {
        return writer != null;
    }

    /** When the last frame arrived, in {@link System#nanoTime()}; valid once connected. */
    long lastFrameNanos() {
        return lastFrameNanos;
    }

    /**
     * Queues {@code frame} for the worker, never blocking: one thread per worker writes them. False
     * when the worker is not connected, or does not read: then {@link #OUTBOUND_FRAMES} frames
     * already wait, this one is dropped, and that is logged at a bounded rate.
     */
    boolean send(Frame frame) {
        if (writer == null || closed) {
            return false;
        }
        if (outbound.offer(frame)) {
            return true;
        }
        long held = droppedLog.tryLog();
        if (held >= 0) {
            log.warn("worker {} does not read its control channel: {} frames wait, a {} frame is dropped ({} more dropped"
                    + " since the last such line)", workerId, OUTBOUND_FRAMES, frame.type().name().toLowerCase(Locale.ROOT), held);
        }
        return false;
    }

    /** The writing thread: the queued frames, in order, until the channel closes. */
    private void writeQueued(FrameWriter out) {
        try {
            while (!closed) {
                out.write(outbound.take());
            }
        } catch (InterruptedException | IOException e) {
            log.debug("worker {}: control channel writes end: {}", workerId, e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread out = writing;
        if (out != null) {
            out.interrupt();
        }
        closeQuietly(server);
        SocketChannel open = channel;
        if (open != null) {
            closeQuietly(open);
        }
        unlink();
    }

    private void run(Handler handler) {
        try {
            SocketChannel accepted;
            FrameReader reader;
            while (true) {
                SocketChannel candidate = server.accept();
                FrameReader candidateReader = new FrameReader(SocketStreams.in(candidate));
                String refused = refusal(candidate, candidateReader);
                if (refused == null) {
                    accepted = candidate;
                    reader = candidateReader;
                    break;
                }
                closeQuietly(candidate);
                long held = refusedLog.tryLog();
                if (held >= 0) {
                    log.warn("worker {}: a connection to its control socket was closed: {} ({} more since the last such line)",
                            workerId, refused, held);
                }
            }
            channel = accepted;
            closeQuietly(server);
            unlink(); // one worker per socket: nobody else can connect now
            lastFrameNanos = System.nanoTime();
            FrameWriter out = new FrameWriter(SocketStreams.out(accepted));
            Thread writes = new Thread(() -> writeQueued(out), "worker-" + workerId + "-control-out");
            writes.setDaemon(true);
            writing = writes;
            writes.start();
            writer = out;
            if (closed) {
                closeQuietly(accepted);
                return;
            }
            handler.onConnected();
            read(accepted, reader, handler);
        } catch (IOException e) {
            if (!closed) {
                log.debug("worker {}: control channel: {}", workerId, e.toString());
            }
        }
        handler.onClosed();
    }

    /** Null when the connection's first frame is hello with the instance's secret; else why it is refused. */
    private String refusal(SocketChannel candidate, FrameReader reader) {
        ScheduledFuture<?> timeout = HELLO_TIMER.schedule(() -> closeQuietly(candidate), HELLO_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            Frame first = reader.next();
            if (first == null) {
                return "it closed without a hello";
            }
            if (first.type() != Frame.Type.HELLO) {
                return "its first frame was '" + first.type().name().toLowerCase(Locale.ROOT) + "', not hello";
            }
            if (!MessageDigest.isEqual(first.payload().getBytes(StandardCharsets.UTF_8), secret)) {
                return "its hello did not carry the instance's secret (" + WorkerEnv.CONTROL_SECRET + ")";
            }
            // A timer already running closes the connection: too late, whatever it said.
            return timeout.cancel(false) ? null : "no hello within " + HELLO_TIMEOUT.toMillis() + " ms";
        } catch (MalformedFrameException e) {
            return "a malformed first frame: " + e.getMessage();
        } catch (IOException e) {
            return "no hello within " + HELLO_TIMEOUT.toMillis() + " ms";
        } finally {
            timeout.cancel(false);
        }
    }

    private void read(SocketChannel accepted, FrameReader reader, Handler handler) throws IOException {
        while (true) {
            Frame frame;
            try {
                frame = reader.next();
                if (frame != null && !FROM_WORKERS.contains(frame.type())) {
                    throw new MalformedFrameException("a '" + frame.type().name().toLowerCase(Locale.ROOT)
                            + "' frame, which only the edge sends");
                }
            } catch (MalformedFrameException e) {
                handler.onBroken(e.getMessage());
                drop(accepted);
                return;
            }
            if (frame == null) {
                return;
            }
            lastFrameNanos = System.nanoTime();
            handler.onFrame(frame);
        }
    }

    /** Reads and drops whatever the worker still sends, in chunks, until it closes: a broken channel costs no more. */
    private void drop(SocketChannel accepted) throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        while (accepted.read(sink) >= 0) {
            sink.clear();
            lastFrameNanos = System.nanoTime(); // it still speaks: not hung while its replacement starts
        }
    }

    private void unlink() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("worker {}: cannot delete {}: {}", workerId, path, e.toString());
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing on the way out: nothing to do
        }
    }
}
