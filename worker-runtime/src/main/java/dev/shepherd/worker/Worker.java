package dev.shepherd.worker;

import dev.shepherd.worker.protocol.Frame;
import dev.shepherd.worker.protocol.WorkerEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A worker JVM's side of Shepherd: its id and port, and the control channel to the supervisor.
 *
 * <pre>{@code
 * Worker worker = Worker.current(args);        // before binding: connects the control channel
 * server.bind(new InetSocketAddress("127.0.0.1", worker.port()));
 * worker.onShutdown(server::stopGracefully);  // on Shepherd's stop request and on SIGTERM
 * worker.ready();                             // now Shepherd sends traffic
 * }</pre>
 *
 * <p>Under Shepherd the id, port and control socket come from the environment
 * ({@link WorkerEnv}); heartbeats go out from a daemon thread, and the JVM exits when the channel
 * closes unexpectedly (the edge died), unless {@link #exitOnDisconnect(boolean)} turns that off.
 * Standalone (no {@code SHEPHERD_CONTROL_SOCKET}) the same code runs: the port comes from
 * {@code SHEPHERD_WORKER_PORT}, {@code --port N} or {@code PORT}, and {@link #ready()},
 * {@link #send(String)} do nothing.
 */
public final class Worker {
    private static Worker current;

    private final String id;
    private final int port;
    private final ControlChannel channel; // null when standalone
    private final Duration drainWait; // how long a stop from outside waits for the edge's drain
    private final List<Consumer<String>> messageHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Duration>> shutdownHooks = new CopyOnWriteArrayList<>();
    private final Thread shutdownThread = new Thread(this::runShutdownHooks, "shepherd-worker-shutdown");
    private volatile boolean exitOnDisconnect = true;
    private volatile BooleanSupplier liveness = Worker::noDeadlock;
    private volatile long stopDeadlineNanos; // set by Shepherd's shutdown request
    private volatile boolean exiting; // the JVM runs its shutdown hooks
    private final CountDownLatch stopGranted = new CountDownLatch(1); // Shepherd's shutdown request came

    private Worker(String id, int port, ControlChannel channel, Duration drainWait) {
        this.id = id;
        this.port = port;
        this.channel = channel;
        this.drainWait = drainWait;
        Runtime.getRuntime().addShutdownHook(shutdownThread);
    }

    /**
     * This JVM's worker; the first call sets it up from the environment and {@code args} (read for
     * {@code --port N} or {@code --port=N} when not under Shepherd), later calls return it as it is.
     *
     * @throws IllegalStateException when no port is given, or the control channel cannot be opened
     */
    public static synchronized Worker current(String... args) {
        if (current == null) {
            current = create(System.getenv(), args);
        }
        return current;
    }

    static Worker create(Map<String, String> env, String... args) {
        String socket = env.get(WorkerEnv.CONTROL_SOCKET);
        int port = portFrom(env, args);
        String id = env.getOrDefault(WorkerEnv.ID, "standalone");
        if (socket == null || socket.isEmpty()) {
            return new Worker(id, port, null, DRAIN_WAIT);
        }
        Duration interval = Duration.ofMillis(Long.parseLong(env.getOrDefault(WorkerEnv.HEARTBEAT_INTERVAL, "1000")));
        Worker[] self = new Worker[1];
        ControlChannel channel;
        try {
            channel = ControlChannel.connect(Path.of(socket), env.getOrDefault(WorkerEnv.CONTROL_SECRET, ""), interval,
                    "1".equals(env.get(WorkerEnv.REPORT_HEAP)),
                    new ControlChannel.Handler() {
                        @Override
                        public void onMessage(String text) {
                            self[0].deliver(text);
                        }

                        @Override
                        public void onShutdownRequest(Duration deadline) {
                            self[0].stopRequested(deadline);
                        }

                        @Override
                        public void onDisconnect() {
                            self[0].disconnected();
                        }

                        @Override
                        public boolean alive() {
                            return self[0] == null || self[0].alive();
                        }
                });
        } catch (IOException e) {
            throw new IllegalStateException("worker " + id + ": cannot open the control channel " + socket + ": " + e.getMessage(), e);
        }
        self[0] = new Worker(id, port, channel, drainWait(env));
        channel.startReading();
        return self[0];
    }

    /** The edge's drain-timeout plus {@link #DRAIN_MARGIN}, or {@link #DRAIN_WAIT} when the edge does not say. */
    static Duration drainWait(Map<String, String> env) {
        String millis = env.get(WorkerEnv.DRAIN_TIMEOUT);
        if (millis == null || !millis.matches("\\d{1,12}")) {
            return DRAIN_WAIT;
        }
        return Duration.ofMillis(Long.parseLong(millis)).plus(DRAIN_MARGIN);
    }

    private static int portFrom(Map<String, String> env, String... args) {
        String text = env.get(WorkerEnv.PORT);
        String source = WorkerEnv.PORT;
        for (int i = 0; text == null && i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                text = args[i + 1];
                source = "--port";
            } else if (args[i].startsWith("--port=")) {
                text = args[i].substring("--port=".length());
                source = "--port";
            }
        }
        if (text == null) {
            text = env.get("PORT");
            source = "PORT";
        }
        if (text == null) {
            throw new IllegalStateException("no port: set " + WorkerEnv.PORT + " or PORT, or pass --port N");
        }
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(source + " must be a port number in 1..65535, got '" + text + "'");
        }
    }

    /** The worker's id: its slot number under Shepherd, {@code "standalone"} otherwise. */
    public String id() {
        return id;
    }

    /** The port to listen on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Whether this JVM runs under Shepherd, with a control channel. */
    public boolean supervised() {
        return channel != null;
    }

    /** Tells Shepherd the port is bound and traffic may come; calling it again does nothing. */
    public void ready() {
        if (channel != null) {
            channel.sendOnce(Frame.ready());
        }
    }

    /**
     * Sends an application message to the supervisor (a no-op standalone).
     *
     * @throws IllegalArgumentException for a message over {@link Frame#MAX_BYTES} bytes encoded
     * @throws UncheckedIOException when the channel is closed
     */
    public void send(String message) {
        sendIfSupervised(Frame.message(message));
    }

    /**
     * Asks Shepherd to replace this instance the rolling way: a fresh one is started and admitted
     * first, then this one is drained and stopped (by its shutdown request, as any stop). The
     * reason goes to the edge's log and status. The edge runs one such replacement at a time for
     * the whole flock; asking again while this one's is under way does nothing. Standalone, a no-op.
     *
     * @throws IllegalArgumentException for a reason over {@link Frame#MAX_BYTES} bytes encoded
     */
    public void requestReplacement(String reason) {
        sendIfSupervised(Frame.replace(reason));
    }

    /** Asks Shepherd for no new connections to this instance, its open ones going on, until {@link #requestReady()}. */
    public void requestDrain() {
        sendIfSupervised(Frame.drain());
    }

    /** Undoes {@link #requestDrain()}: new connections again, while healthy and not drained by an operator. */
    public void requestReady() {
        sendIfSupervised(Frame.undrain());
    }

    /**
     * This instance's share of new connections, 0..100 (a full share, the default; 0 takes none),
     * as HAProxy's agent-check sets a server's weight: lower it while the application is busy with
     * something else (a compaction, a cache rebuild).
     *
     * @throws IllegalArgumentException unless {@code weight} is in 0..100
     */
    public void setWeight(int weight) {
        sendIfSupervised(Frame.weight(weight));
    }

    /**
     * Node's classic pattern for a process that caught an uncaught exception, without its lost
     * capacity: the first exception that reaches a thread's top asks for a replacement
     * ({@link #requestReplacement}) and this JVM keeps serving what is in flight until Shepherd has
     * admitted the replacement and drained and stopped this one; if that has not happened within
     * {@code deadline}, it exits with status 70 by itself. Standalone, it exits with 70 at once.
     * The exception is printed to standard error first.
     */
    public void replaceOnUncaughtException(Duration deadline) {
        java.util.Objects.requireNonNull(deadline, "deadline");
        Thread.setDefaultUncaughtExceptionHandler(new ReplaceOnUncaught(this, deadline));
    }

    /** {@link #replaceOnUncaughtException(Duration)} with {@link #UNCAUGHT_DEADLINE}. */
    public void replaceOnUncaughtException() {
        replaceOnUncaughtException(UNCAUGHT_DEADLINE);
    }

    /** How long a worker that asked for its replacement after an uncaught exception waits to be stopped. */
    public static final Duration UNCAUGHT_DEADLINE = Duration.ofSeconds(60);

    private void sendIfSupervised(Frame frame) {
        if (channel != null) {
            channel.send(frame);
        }
    }

    /** Receives the supervisor's messages, on the channel's reader thread. */
    public void onMessage(Consumer<String> handler) {
        messageHandlers.add(handler);
    }

    /**
     * Runs {@code hook} once when the worker is asked to stop: on Shepherd's shutdown request (the
     * JVM then exits 0) or on SIGTERM / {@code System.exit}. Hooks run in the order added.
     */
    public void onShutdown(Runnable hook) {
        shutdownHooks.add(timeLeft -> hook.run());
    }

    /**
     * As {@link #onShutdown(Runnable)}; the hook learns how long it has: what is left of the
     * deadline in Shepherd's request ({@code workers.stop-timeout}), or {@link #DEFAULT_STOP_TIME}
     * when the stop came from a signal or {@code System.exit}.
     */
    public void onShutdown(Consumer<Duration> hook) {
        shutdownHooks.add(hook);
    }

    /** What a shutdown hook is told it has when no deadline came with the stop. */
    public static final Duration DEFAULT_STOP_TIME = Duration.ofSeconds(5);

    /**
     * How long a worker stopped from outside (SIGTERM) waits for Shepherd to drain it before it
     * stops anyway, when the edge does not say: Shepherd's answer comes once the worker's open
     * connections have ended, up to {@code workers.drain-timeout}, which the edge passes as
     * {@code SHEPHERD_DRAIN_TIMEOUT} (the wait is then that plus {@link #DRAIN_MARGIN}).
     */
    public static final Duration DRAIN_WAIT = Duration.ofSeconds(10);

    /** Beyond the edge's drain-timeout: time for its answer to arrive. */
    public static final Duration DRAIN_MARGIN = Duration.ofSeconds(2);

    /**
     * The application's liveness, asked before each heartbeat (Kubernetes' liveness probe, pushed):
     * while it answers false (or throws), no heartbeat is sent, and the edge treats the worker as
     * hung after {@code workers.heartbeat.timeout}: out of rotation, its threads dumped, killed and
     * respawned. The default fails while any of the JVM's threads are deadlocked.
     */
    public void livenessCheck(BooleanSupplier check) {
        liveness = java.util.Objects.requireNonNull(check, "check");
    }

    private boolean alive() {
        try {
            return liveness.getAsBoolean();
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    /** The default liveness check: no thread of this JVM is deadlocked. */
    static boolean noDeadlock() {
        return ManagementFactory.getThreadMXBean().findDeadlockedThreads() == null;
    }

    /** Whether the JVM exits when the control channel closes without a shutdown request (default true). */
    public void exitOnDisconnect(boolean exit) {
        exitOnDisconnect = exit;
    }

    private void deliver(String text) {
        for (Consumer<String> handler : messageHandlers) {
            try {
                handler.accept(text);
            } catch (RuntimeException e) {
                ControlChannel.log.log(System.Logger.Level.ERROR, "worker " + id + ": message handler failed", e);
            }
        }
    }

    private void stopRequested(Duration deadline) {
        stopDeadlineNanos = System.nanoTime() + deadline.toNanos();
        ControlChannel.log.log(System.Logger.Level.INFO,
                "worker " + id + ": Shepherd asks to stop within " + deadline.toMillis() + " ms");
        stopGranted.countDown();
        if (!exiting) {
            // exit() runs the shutdown hooks; it must not run on the reader thread, which it would wait for.
            Thread exit = new Thread(() -> System.exit(0), "shepherd-worker-exit");
            exit.start();
        }
    }

    private void disconnected() {
        stopGranted.countDown(); // nobody left to drain us
        if (exitOnDisconnect && !exiting) {
            ControlChannel.log.log(System.Logger.Level.WARNING,
                    "worker " + id + ": the control channel to Shepherd closed; exiting");
            new Thread(() -> System.exit(1), "shepherd-worker-exit").start();
        }
    }

    private void runShutdownHooks() {
        exiting = true;
        if (channel != null && stopDeadlineNanos == 0) {
            waitToBeDrained();
        }
        long deadline = stopDeadlineNanos;
        for (Consumer<Duration> hook : shutdownHooks) {
            Duration left = deadline == 0 ? DEFAULT_STOP_TIME
                    : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            try {
                hook.accept(left);
            } catch (RuntimeException e) {
                ControlChannel.log.log(System.Logger.Level.ERROR, "worker " + id + ": shutdown hook failed", e);
            }
        }
        if (channel != null) {
            channel.close();
        }
    }

    /**
     * Stopped from outside (SIGTERM, {@code System.exit}): the listener stays open until Shepherd
     * has stopped sending new connections and the open ones have ended; Shepherd then sends its
     * shutdown request. Without an answer within the edge's drain-timeout (plus a margin), the
     * worker stops anyway.
     */
    private void waitToBeDrained() {
        try {
            channel.send(Frame.stopping());
        } catch (RuntimeException closed) {
            return; // no Shepherd to drain us: stop now
        }
        ControlChannel.log.log(System.Logger.Level.INFO,
                "worker " + id + ": stopping; Shepherd drains it first (up to " + drainWait.toMillis() + " ms)");
        try {
            if (!stopGranted.await(drainWait.toMillis(), TimeUnit.MILLISECONDS)) {
                ControlChannel.log.log(System.Logger.Level.WARNING,
                        "worker " + id + ": no word from Shepherd within " + drainWait.toMillis() + " ms; stopping");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
