package dev.shepherd.proxy.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/** One spawned process of a worker slot, with its control socket. */
final class WorkerProcess {
    private final Process process;
    private final ControlSocket control;
    private final long startedNanos;
    private List<ProcessHandle> signalled = List.of(); // its descendants when SIGTERM went out
    private boolean terminated;

    WorkerProcess(Process process, ControlSocket control, long startedNanos) {
        this.process = process;
        this.control = control;
        this.startedNanos = startedNanos;
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    ControlSocket control() {
        return control;
    }

    Duration uptime(long nowNanos) {
        return Duration.ofNanos(nowNanos - startedNanos);
    }

    /**
     * SIGTERM to the process and whatever it started (a shell script's java, say).
     *
     * @return false if it was sent before
     */
    boolean terminate() {
        if (terminated) {
            return false;
        }
        terminated = true;
        signalled = process.descendants().toList();
        signalled.forEach(ProcessHandle::destroy);
        process.destroy();
        return true;
    }

    /**
     * After the process exited: descendants that got SIGTERM with it and still run (a wrapper
     * script that did not {@code exec}) are killed after {@code grace}, so they cannot keep the port.
     */
    void killLeftovers(Duration grace, Executor executor) {
        List<ProcessHandle> alive = signalled.stream().filter(ProcessHandle::isAlive).toList();
        if (alive.isEmpty()) {
            return;
        }
        executor.execute(() -> {
            long deadline = System.nanoTime() + grace.toNanos();
            while (alive.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            alive.forEach(ProcessHandle::destroyForcibly);
        });
    }

    /** SIGKILL, to the process and whatever it started (a shell script's java, say). */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
