package dev.shepherd.worker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The uncaught-exception handler of {@link Worker#replaceOnUncaughtException(Duration)}: the first
 * exception asks for a replacement and starts the deadline; every one is printed.
 */
final class ReplaceOnUncaught implements Thread.UncaughtExceptionHandler {
    /** The exit status when the deadline passes, or at once standalone: EX_SOFTWARE. */
    static final int EXIT_STATUS = 70;

    private final Worker worker;
    private final Duration deadline;
    private final AtomicBoolean asked = new AtomicBoolean();

    ReplaceOnUncaught(Worker worker, Duration deadline) {
        this.worker = worker;
        this.deadline = deadline;
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        System.err.println("Exception in thread \"" + thread.getName() + "\"");
        error.printStackTrace();
        if (!asked.compareAndSet(false, true)) {
            return;
        }
        if (!worker.supervised()) {
            System.exit(EXIT_STATUS);
        }
        String reason = "uncaught " + error.getClass().getName() + " in thread " + thread.getName()
                + (error.getMessage() != null ? ": " + error.getMessage() : "");
        try {
            worker.requestReplacement(reason.length() > 1000 ? reason.substring(0, 1000) : reason);
        } catch (RuntimeException channelGone) {
            System.exit(EXIT_STATUS);
        }
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(deadline.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("not replaced within " + deadline.toMillis() + " ms of an uncaught exception: exiting");
            System.exit(EXIT_STATUS);
        }, "shepherd-worker-uncaught-deadline");
        timer.setDaemon(true);
        timer.start();
    }
}
