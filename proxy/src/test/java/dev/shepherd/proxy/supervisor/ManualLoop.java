package dev.shepherd.proxy.supervisor;

import java.time.Duration;
import java.util.PriorityQueue;

/** A {@link SupervisorLoop} whose clock moves only when a test says so; tasks run on the test's thread. */
final class ManualLoop implements SupervisorLoop {
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now = 1_000_000_000L;
    private long sequence;

    private final class Task implements Comparable<Task>, Scheduled {
        final long at;
        final long order = sequence++;
        final Runnable body;
        boolean cancelled;

        Task(long at, Runnable body) {
            this.at = at;
            this.body = body;
        }

        @Override
        public int compareTo(Task other) {
            return at != other.at ? Long.compare(at, other.at) : Long.compare(order, other.order);
        }

        @Override
        public void cancel() {
            synchronized (ManualLoop.this) {
                cancelled = true;
            }
        }
    }

    @Override
    public synchronized void execute(Runnable task) {
        queue.add(new Task(now, task));
    }

    @Override
    public synchronized Scheduled schedule(Duration delay, Runnable task) {
        Task scheduled = new Task(now + delay.toNanos(), task);
        queue.add(scheduled);
        return scheduled;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    /** Runs every task due now, including those they post. */
    void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the clock forward by {@code by}, running each task at its time, in order. */
    void advance(Duration by) {
        long until;
        synchronized (this) {
            until = now + by.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.at > until) {
                    now = until;
                    return;
                }
                queue.poll();
                now = Math.max(now, next.at);
                if (next.cancelled) {
                    continue;
                }
            }
            next.body.run();
        }
    }
}
