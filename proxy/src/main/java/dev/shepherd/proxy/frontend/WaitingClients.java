package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.FailureReason;
import dev.shepherd.proxy.logging.LogLimiter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New clients that met no endpoint able to take them (none eligible, or all at their cap), held
 * as HAProxy's queue with {@code timeout queue} holds them: each waits on its own event loop, in
 * arrival order, up to {@code queue-timeout}. While any wait, the loop looks at the group's
 * snapshot every {@link #POLL} and hands them back to the connector once an endpoint is eligible;
 * one whose wait ran out is closed and counted ({@code queue_timeout}). No separate bound: a
 * waiting client is an open connection, so {@code max-connections} bounds them. The first client
 * of an outage logs one ERROR line; the end of the outage one INFO line.
 */
final class WaitingClients {
    private static final Logger log = LoggerFactory.getLogger(WaitingClients.class);
    static final Duration POLL = Duration.ofMillis(10);

    private final EndpointGroup group;
    private final LongSupplier timeoutNanos; // queue-timeout, as the last config reload left it
    private final BiConsumer<Channel, FrontendHandler> dispatch;
    private final FrontendMetrics metrics;
    private final LogLimiter expiredLog = new LogLimiter(10, TimeUnit.SECONDS, System::nanoTime);
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean outage = new AtomicBoolean();
    private final AtomicLong outageSince = new AtomicLong();
    private final FastThreadLocal<LoopQueue> queues = new FastThreadLocal<>() {
        @Override
        protected LoopQueue initialValue() {
            return new LoopQueue();
        }
    };

    /** One event loop's waiting clients; touched only by that loop. */
    private static final class LoopQueue {
        final ArrayDeque<FrontendHandler> clients = new ArrayDeque<>();
        boolean pollScheduled;
    }

    /** @param dispatch tries a client's connection again (the connector's first attempt) */
    WaitingClients(EndpointGroup group, LongSupplier queueTimeoutNanos, BiConsumer<Channel, FrontendHandler> dispatch,
            FrontendMetrics metrics) {
        this.group = group;
        this.timeoutNanos = queueTimeoutNanos;
        this.dispatch = dispatch;
        this.metrics = metrics;
    }

    void bindTo(MeterRegistry registry) {
        Gauge.builder("shepherd.clients.waiting", waiting, AtomicInteger::get)
                .description("New client connections waiting for an eligible endpoint (queue-timeout)")
                .register(registry);
    }

    /**
     * Holds {@code client} until an endpoint can take it; false when it may not wait (queue-timeout
     * 0, or its wait already ran out), and the caller closes it. On the client's event loop.
     */
    boolean offer(Channel client, FrontendHandler pair) {
        if (group.eligible().isEmpty() && outage.compareAndSet(false, true)) {
            outageSince.set(System.nanoTime());
            log.error("no endpoint is eligible (none UP and ready): new clients wait up to {} ms for one (queue-timeout),"
                    + " then are closed", TimeUnit.NANOSECONDS.toMillis(timeoutNanos.getAsLong()));
        }
        long now = System.nanoTime();
        long timeout = timeoutNanos.getAsLong();
        if (timeout == 0 || (pair.waitDeadline() != 0 && now - pair.waitDeadline() >= 0)) {
            return false;
        }
        if (pair.waitDeadline() == 0) {
            pair.waitUntil(now + timeout);
        }
        LoopQueue queue = queues.get();
        queue.clients.add(pair);
        waiting.incrementAndGet();
        if (!queue.pollScheduled) {
            queue.pollScheduled = true;
            client.eventLoop().schedule(() -> poll(queue, client.eventLoop()), POLL.toNanos(), TimeUnit.NANOSECONDS);
        }
        return true;
    }

    /** Called when a client got an endpoint: ends an outage, if one was logged. */
    void served() {
        if (outage.get() && outage.compareAndSet(true, false)) {
            log.info("an endpoint is eligible again, {} ms after none was", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageSince.get()));
        }
    }

    private void poll(LoopQueue queue, io.netty.channel.EventLoop loop) {
        queue.pollScheduled = false;
        boolean available = !group.eligible().isEmpty();
        long now = System.nanoTime();
        for (int n = queue.clients.size(); n > 0; n--) {
            FrontendHandler pair = queue.clients.poll();
            waiting.decrementAndGet();
            Channel client = pair.source();
            if (!client.isActive()) {
                continue;
            }
            if (available) {
                dispatch.accept(client, pair); // may come back to the queue: every endpoint at its cap
            } else if (now - pair.waitDeadline() >= 0) {
                expired(client);
            } else {
                queue.clients.add(pair);
                waiting.incrementAndGet();
            }
        }
        if (!queue.clients.isEmpty() && !queue.pollScheduled) {
            queue.pollScheduled = true;
            loop.schedule(() -> poll(queue, loop), POLL.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void expired(Channel client) {
        metrics.failed(FailureReason.QUEUE_TIMEOUT);
        long held = expiredLog.tryLog();
        if (held >= 0) {
            log.warn("{}: no endpoint within queue-timeout ({} ms), closing the client ({} more closed since the last such line)",
                    client, TimeUnit.NANOSECONDS.toMillis(timeoutNanos.getAsLong()), held);
        }
        client.close();
    }
}
