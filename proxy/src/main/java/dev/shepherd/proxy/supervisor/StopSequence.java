package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.WorkerSettings;
import dev.shepherd.proxy.endpoint.AdminState;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.worker.protocol.Frame;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one instance is stopped: drain (no new connections; open ones finish, up to
 * {@code drain-timeout}, and the drain ends the moment the last one closes; those still open then
 * are closed spread over {@code close-spread}), then the stop request
 * over the control channel and {@code stop-timeout}, then SIGTERM and {@code kill-timeout}, then
 * SIGKILL. Each step runs on the supervisor's loop; {@link #exited} ends the sequence.
 */
final class StopSequence {
    private static final Logger log = LoggerFactory.getLogger(StopSequence.class);

    private enum Step { DRAINING, CLOSING, ASKED, TERMINATED, KILLED, DONE }

    private final String name; // "worker 0 (pid 4242)"
    private final WorkerProcess process;
    private final EndpointGroup.Member member;
    private final WorkerSettings settings;
    private final SupervisorLoop loop;
    private final Executor blocking;
    private Step step;
    private String signalSent;
    private SupervisorLoop.Scheduled timer = SupervisorLoop.Scheduled.NONE;

    StopSequence(String name, WorkerProcess process, EndpointGroup.Member member, WorkerSettings settings,
            SupervisorLoop loop, Executor blocking) {
        this.name = name;
        this.process = process;
        this.member = member;
        this.settings = settings;
        this.loop = loop;
        this.blocking = blocking;
    }

    /** From the start: drain, then the stop request. */
    void start() {
        step = Step.DRAINING;
        member.setAdminState(AdminState.DRAIN);
        int open = member.activeConnections();
        if (open > 0) {
            log.info("{} DRAINING: out of rotation, waiting up to {} ms for its {} open connections", name,
                    settings.drainTimeout().toMillis(), open);
        }
        timer = loop.schedule(settings.drainTimeout(), this::drainTimedOut);
        member.whenIdle().thenRun(() -> loop.execute(this::drained));
    }

    /**
     * The worker closed its control channel: it is exiting by itself. Out of rotation at once; if
     * it has not exited within {@code stop-timeout}, SIGTERM and the rest.
     */
    void startAfterChannelClosed() {
        step = Step.ASKED;
        member.setState(EndpointState.STOPPING);
        log.info("{} closed its control channel (it is exiting, or was killed): out of rotation; SIGTERM if it still"
                + " runs in {} ms", name, settings.stopTimeout().toMillis());
        timer = loop.schedule(settings.stopTimeout(), this::terminate);
    }

    /** The last signal this sequence sent ({@code SIGTERM}, {@code SIGKILL}), or {@code null}. */
    String signalSent() {
        return signalSent;
    }

    /** The process exited: nothing more to do. */
    void exited() {
        step = Step.DONE;
        timer.cancel();
    }

    private void drained() {
        if (step == Step.DRAINING || step == Step.CLOSING) {
            timer.cancel();
            askToStop();
        }
    }

    private void drainTimedOut() {
        if (step != Step.DRAINING) {
            return;
        }
        Duration spread = settings.closeSpread();
        int open = member.activeConnections();
        if (!spread.isZero() && open > 0) {
            step = Step.CLOSING;
            timer = loop.schedule(spread, () -> {
                if (step == Step.CLOSING) {
                    askToStop();
                }
            });
            int closing = member.closeSpread(spread);
            if (closing > 0) {
                log.info("{} still has {} open connections at the end of drain-timeout: closing {} of them over {} ms, then"
                        + " asking it to stop", name, open, closing, spread.toMillis());
                return;
            }
            timer.cancel(); // none can be closed yet (all still connecting): nothing to wait for
        }
        log.info("{} still has {} open connections at the end of drain-timeout; asking it to stop", name, open);
        askToStop();
    }

    private void askToStop() {
        step = Step.ASKED;
        member.setState(EndpointState.STOPPING);
        if (!process.control().connected()) {
            terminate();
            return;
        }
        Duration stopTimeout = settings.stopTimeout();
        timer = loop.schedule(stopTimeout, this::terminate);
        // Off the loop: a worker that does not read its channel could block the write.
        blocking.execute(() -> {
            if (!process.control().send(Frame.shutdown(stopTimeout))) {
                loop.execute(this::terminate);
            }
        });
    }

    private void terminate() {
        if (step != Step.ASKED) {
            return; // exited, or SIGTERM already sent
        }
        step = Step.TERMINATED;
        timer.cancel();
        signalSent = "SIGTERM";
        process.terminate();
        log.info("{}: SIGTERM", name);
        Duration killTimeout = settings.killTimeout();
        timer = loop.schedule(killTimeout, () -> {
            if (step == Step.TERMINATED) {
                step = Step.KILLED;
                signalSent = "SIGKILL";
                log.warn("{} still running {} ms after SIGTERM: SIGKILL", name, killTimeout.toMillis());
                process.kill();
            }
        });
    }
}
