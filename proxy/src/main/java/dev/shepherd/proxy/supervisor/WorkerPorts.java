package dev.shepherd.proxy.supervisor;

import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The loopback ports of the flock's instances: slot i's home port is {@code first-port + i}; a
 * replacement started beside a running instance takes a spare port above the flock's range. A
 * port held by an instance is not handed out again until that instance has exited. Used on the
 * supervisor's loop only.
 */
final class WorkerPorts {
    private final int firstPort;
    private int count;
    private final IntPredicate isFree;
    private final Set<Integer> held = new HashSet<>();

    /** @param isFree whether nobody else listens on a port ({@link PortCheck#isFree} outside tests) */
    WorkerPorts(int firstPort, int count, IntPredicate isFree) {
        this.firstPort = firstPort;
        this.count = count;
        this.isFree = isFree;
    }

    /** The flock now has {@code count} slots: spare ports start above its new range. */
    void resize(int count) {
        this.count = count;
    }

    /** Whether {@code port} is held by one of the flock's instances. */
    boolean held(int port) {
        return held.contains(port);
    }

    /** Takes {@code port} for an instance; false if an instance holds it or another process listens there. */
    boolean take(int port) {
        if (held.contains(port) || !isFree.test(port)) {
            return false;
        }
        held.add(port);
        return true;
    }

    /**
     * A port for an instance started beside a running one: {@code home} if free, else the lowest
     * free one above the flock's range.
     *
     * @throws IllegalStateException when no port up to 65535 is free
     */
    int takeSpare(int home) {
        if (take(home)) {
            return home;
        }
        for (int port = firstPort + count; port <= 65535; port++) {
            if (take(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port above " + (firstPort + count - 1) + " for a replacement");
    }

    void release(int port) {
        held.remove(port);
    }
}
