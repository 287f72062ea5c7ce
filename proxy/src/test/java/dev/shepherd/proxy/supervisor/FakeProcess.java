package dev.shepherd.proxy.supervisor;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** A worker process that exists only in a test: it ends when the test or a signal says so. */
final class FakeProcess extends Process {
    private static final AtomicLong PIDS = new AtomicLong(4000);

    final long pid = PIDS.incrementAndGet();
    final List<String> command;
    final Map<String, String> env;
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private volatile int code = -1;
    volatile boolean terminated;
    volatile boolean killed;
    /** Signals are recorded but the process does not exit: its exit is the test's to make. */
    volatile boolean hangsOnSignals;

    FakeProcess(List<String> command, Map<String, String> env) {
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
    }

    int port() {
        return Integer.parseInt(env.get("SHEPHERD_WORKER_PORT"));
    }

    /** The process ends with {@code exitCode}. */
    void exit(int exitCode) {
        code = exitCode;
        exit.complete(this);
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit;
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return Stream.empty();
    }

    /** SIGTERM: the fake exits at once, as a JVM without a hook would (128 + 15). */
    @Override
    public void destroy() {
        terminated = true;
        if (!hangsOnSignals) {
            exit(143);
        }
    }

    @Override
    public Process destroyForcibly() {
        killed = true;
        if (!hangsOnSignals) {
            exit(137);
        }
        return this;
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException("running");
        }
        return code;
    }

    @Override
    public int waitFor() {
        exit.join();
        return code;
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }
}
