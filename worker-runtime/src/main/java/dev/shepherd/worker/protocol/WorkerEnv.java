package dev.shepherd.worker.protocol;

/** The environment variables the supervisor starts a worker with. */
public final class WorkerEnv {
    /** The worker's id: its slot number, kept across respawns ("0", "1", ...). */
    public static final String ID = "SHEPHERD_WORKER_ID";
    /** The loopback port the worker must listen on. */
    public static final String PORT = "SHEPHERD_WORKER_PORT";
    /** Path of the Unix-domain socket of the worker's control channel. */
    public static final String CONTROL_SOCKET = "SHEPHERD_CONTROL_SOCKET";
    /** Milliseconds between two heartbeats. */
    public static final String HEARTBEAT_INTERVAL = "SHEPHERD_HEARTBEAT_INTERVAL";

    private WorkerEnv() {}
}
