package dev.shepherd.worker.protocol;

/** The environment variables the supervisor starts a worker with. */
public final class WorkerEnv {
    /** The worker's id: its slot number, kept across respawns ("0", "1", ...). */
    public static final String ID = "SHEPHERD_WORKER_ID";
    /** The loopback port the worker must listen on. */
    public static final String PORT = "SHEPHERD_WORKER_PORT";
    /** Path of the Unix-domain socket of the worker's control channel. */
    public static final String CONTROL_SOCKET = "SHEPHERD_CONTROL_SOCKET";
    /**
     * The instance's secret, which its {@code hello} (the first frame on the control channel) must
     * carry: another process that finds the socket cannot speak for the worker.
     */
    public static final String CONTROL_SECRET = "SHEPHERD_CONTROL_SECRET";
    /**
     * The edge's {@code workers.drain-timeout} in milliseconds: how long a worker stopped from
     * outside may wait for the edge to drain it.
     */
    public static final String DRAIN_TIMEOUT = "SHEPHERD_DRAIN_TIMEOUT";
    /** {@code 1} when the edge reads the heap in use from heartbeats ({@code heartbeat heap=BYTES}); older edges do not set it. */
    public static final String REPORT_HEAP = "SHEPHERD_REPORT_HEAP";
    /** Milliseconds between two heartbeats. */
    public static final String HEARTBEAT_INTERVAL = "SHEPHERD_HEARTBEAT_INTERVAL";

    private WorkerEnv() {}
}
