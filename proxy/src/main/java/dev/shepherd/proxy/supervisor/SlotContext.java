package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.WorkerSettings;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.health.EndpointChecks;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * What every slot and instance shares: settings, the endpoint group, the health checks, the
 * supervisor's loop (where all their state changes happen), a pool for blocking work, the ports,
 * and the thread that delivers the workers' messages.
 */
record SlotContext(
        WorkerSettings settings,
        WorkerCommand command,
        EndpointGroup group,
        EndpointChecks checks,
        SupervisorLoop loop,
        Executor blocking,
        ProcessStarter starter,
        Path socketDir,
        WorkerPorts ports,
        Executor messages,
        BiConsumer<String, String> messageHandler,
        ReplacementQueue replacements) {

    /** Where a slot's serving instance that should be replaced waits its turn: one at a time for the fleet. */
    @FunctionalInterface
    interface ReplacementQueue {
        void wanted(WorkerSlot slot, WorkerInstance instance, WorkerInstance.Wish wish);
    }

    /** The same context for instances started by {@code next} (a config reload). */
    SlotContext with(WorkerSettings next, ProcessStarter nextStarter) {
        return new SlotContext(next, WorkerCommand.of(next.command()), group, checks, loop, blocking, nextStarter, socketDir,
                ports, messages, messageHandler, replacements);
    }
}
