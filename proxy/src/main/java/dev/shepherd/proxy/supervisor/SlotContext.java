package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.WorkerSettings;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.health.HealthMonitor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;

/**
 * What every worker slot shares: settings, the endpoint group, the health checks, the supervisor's thread
 * ({@code loop}, where all slot state changes happen) and a pool for blocking work.
 */
record SlotContext(
        WorkerSettings settings,
        List<String> command,
        EndpointGroup group,
        HealthMonitor health,
        ScheduledExecutorService loop,
        ExecutorService blocking,
        ProcessStarter starter,
        Path socketDir,
        BiConsumer<String, String> messages) {}
