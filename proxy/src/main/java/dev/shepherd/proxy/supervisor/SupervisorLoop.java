package dev.shepherd.proxy.supervisor;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's one thread as slots and instances see it: run a task there now or later, and
 * read its clock. Every slot and instance method runs on it; events from other threads are posted
 * with {@link #execute}. The seam unit tests replace with a manual clock.
 */
interface SupervisorLoop extends Executor {

    /** A task scheduled for later; cancelling one that ran or was cancelled does nothing. */
    @FunctionalInterface
    interface Scheduled {
        Scheduled NONE = () -> { };

        void cancel();
    }

    /** Runs {@code task} on the loop after {@code delay}. */
    Scheduled schedule(Duration delay, Runnable task);

    /** The loop's clock, in nanoseconds as {@link System#nanoTime()}. */
    long nanoTime();

    /**
     * Publishes the status snapshot now, inside the running task (it is published after each task
     * anyway): a state change followed by a log line that reports it, so that whoever reads the
     * line can read the change from the status too. Such a snapshot may show a step the task goes
     * on from: a replacement UP beside the instance it replaces, not yet draining.
     */
    default void publishNow() {}

    /**
     * The real loop: {@code executor}'s one thread, running {@code afterEach} after every task (the
     * supervisor publishes its status snapshot there). A task that throws is logged, never lost
     * silently; a task posted after the loop stopped is dropped.
     */
    static SupervisorLoop on(ScheduledExecutorService executor, Runnable afterEach) {
        Logger log = LoggerFactory.getLogger(SupervisorLoop.class);
        return new SupervisorLoop() {
            private Runnable wrapped(Runnable task) {
                return () -> {
                    try {
                        task.run();
                    } catch (RuntimeException | Error e) {
                        log.error("a supervisor task failed", e);
                    } finally {
                        afterEach.run();
                    }
                };
            }

            @Override
            public void execute(Runnable task) {
                try {
                    executor.execute(wrapped(task));
                } catch (RejectedExecutionException stopped) {
                    log.debug("an event after the supervisor stopped, dropped");
                }
            }

            @Override
            public Scheduled schedule(Duration delay, Runnable task) {
                try {
                    ScheduledFuture<?> future = executor.schedule(wrapped(task), delay.toNanos(), TimeUnit.NANOSECONDS);
                    return () -> future.cancel(false);
                } catch (RejectedExecutionException stopped) {
                    return Scheduled.NONE;
                }
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void publishNow() {
                afterEach.run();
            }
        };
    }
}
