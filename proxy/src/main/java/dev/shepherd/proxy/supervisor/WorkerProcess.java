package dev.shepherd.proxy.supervisor;

import java.time.Duration;

/** One spawned process of a worker slot, with its control socket. */
final class WorkerProcess {
    private final Process process;
    private final ControlSocket control;
    private final long startedNanos;

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

    /** SIGTERM. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL, to the process and whatever it started (a shell script's java, say). */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
