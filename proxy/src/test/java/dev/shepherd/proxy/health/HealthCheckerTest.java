package dev.shepherd.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shepherd.proxy.config.HealthCheckSettings;
import dev.shepherd.proxy.endpoint.CheckOutcome;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.HealthVerdicts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One checker against a probe that counts its calls: scheduling and the order of verdicts. */
class HealthCheckerTest {
    private final Endpoint endpoint = new Endpoint("e", "127.0.0.1", 9);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final AtomicInteger checks = new AtomicInteger();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        pool.shutdownNow();
    }

    @Test
    void passiveFailuresNeverStartASecondCheckOrASecondChain() throws Exception {
        HealthChecker checker = checker(Duration.ofMillis(20), Duration.ofMillis(20), 1, 1, slowPassingProbe(), (h, why) -> { });
        checker.start();
        long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < until) {
            checker.proxyError("connect_refused");
        }
        assertThat(mostAtOnce.get()).isEqualTo(1);

        // Alone again: one chain of checks 20 ms apart, each taking 2 ms, makes at most ~45 in 1 s.
        Thread.sleep(200);
        int before = checks.get();
        Thread.sleep(1000);
        assertThat(checks.get() - before).isBetween(10, 60);
        checker.close();
    }

    @Test
    void theOwnerHearsVerdictsInTheOrderTheyHappened() throws Exception {
        AtomicReference<Boolean> lastHeard = new AtomicReference<>();
        HealthChecker checker = checker(Duration.ofMillis(1), Duration.ofMillis(1), 1, 1, slowPassingProbe(),
                (healthy, why) -> lastHeard.set(healthy));
        checker.start();
        AtomicBoolean hammering = new AtomicBoolean(true);
        Thread passive = new Thread(() -> {
            while (hammering.get()) {
                checker.proxyError("connect_refused");
            }
        });
        passive.start();
        Thread.sleep(1000);
        hammering.set(false);
        passive.join();
        // The checks pass: the checker ends healthy, and so must the last verdict its owner heard.
        await().atMost(Duration.ofSeconds(5)).until(checker::healthy);
        Thread.sleep(50);
        assertThat(lastHeard.get()).isEqualTo(checker.healthy()).isTrue();
        checker.close();
    }

    @Test
    void aProbeThatThrowsCountsAsAFailedCheckAndTheChecksGoOn() {
        AtomicReference<String> lastReason = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        HealthChecker checker = checker(Duration.ofMillis(10), Duration.ofMillis(10), 1, 1, (e, timeout) -> {
            if (calls.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("a bug in a probe");
            }
            return CompletableFuture.completedFuture(CheckResult.PASSED);
        }, (healthy, why) -> lastReason.set(healthy + ": " + why));
        checker.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() >= 10);
        assertThat(lastReason.get()).isIn("false: 1 health checks failed, the last: "
                + "the check itself failed: java.lang.IllegalStateException: a bug in a probe", "true: 1 health checks passed");
        checker.close();
    }

    @Test
    void aProbeThatNeverCompletesFailsItsCheckAndTheChecksGoOn() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> lastReason = new AtomicReference<>();
        HealthChecker checker = checker(Duration.ofMillis(10), Duration.ofMillis(10), 1, 1, (e, timeout) -> {
            // the first passes; every later one is a bug: never completed
            return calls.incrementAndGet() == 1 ? CompletableFuture.completedFuture(CheckResult.PASSED) : new CompletableFuture<>();
        }, (healthy, why) -> lastReason.set(healthy + ": " + why));
        checker.start();
        await().atMost(Duration.ofMillis(HealthChecker.PROBE_GRACE_MILLIS + 5_000)).until(() -> calls.get() >= 3);
        assertThat(lastReason.get()).isEqualTo("false: 1 health checks failed, the last: the check itself failed:"
                + " java.util.concurrent.TimeoutException");
        checker.close();
    }

    @Test
    void aLocalErrorDoesNotCountAgainstTheEndpoint() {
        // Every verdict heard, in order: the check brought forward by a refusal passes again at
        // once (rise 1), so what the refusal did shows in the verdicts, not in healthy() afterwards.
        List<Boolean> heard = new CopyOnWriteArrayList<>();
        HealthChecker checker = checker(Duration.ofSeconds(10), Duration.ofSeconds(10), 1, 1,
                (e, timeout) -> CompletableFuture.completedFuture(CheckResult.PASSED), (healthy, why) -> heard.add(healthy));
        checker.start();
        await().atMost(Duration.ofSeconds(15)).until(checker::healthy);
        checker.proxyError("connect_refused: connect(..) failed: Cannot assign requested address");
        assertThat(heard).containsExactly(true);
        checker.proxyError("connect_refused: Connection refused");
        assertThat(heard).startsWith(true, false);
        checker.close();
    }

    @Test
    void errorLimitErrorsInARowEjectAtOnceAndAnAnswerEndsTheStreak() {
        List<String> heard = new CopyOnWriteArrayList<>();
        // Checks 10 s apart, so that only the passive errors decide between the first pass and the end.
        HealthChecker checker = checker(Duration.ofSeconds(10), Duration.ofSeconds(10), 1, 5, 3,
                (e, timeout) -> CompletableFuture.completedFuture(CheckResult.PASSED), (healthy, why) -> heard.add(healthy + ": " + why));
        checker.start();
        await().atMost(Duration.ofSeconds(15)).until(checker::healthy);

        checker.proxyError("closed by the endpoint before its first byte");
        checker.proxyError("closed by the endpoint before its first byte");
        checker.answered();
        checker.proxyError("closed by the endpoint before its first byte");
        checker.proxyError("closed by the endpoint before its first byte");
        assertThat(heard).containsExactly("true: 1 health checks passed");

        checker.proxyError("connect_refused (Connection refused)");
        assertThat(heard).startsWith("true: 1 health checks passed",
                "false: 3 proxied connections failed in a row (error-limit 3), the last: connect_refused (Connection refused)");
        // The check each error brought forward passes, and rise 1 brings it back.
        await().atMost(Duration.ofSeconds(5)).until(checker::healthy);
        checker.close();
    }

    @Test
    void errorLimitZeroNeverEjects() {
        List<Boolean> heard = new CopyOnWriteArrayList<>();
        HealthChecker checker = checker(Duration.ofSeconds(10), Duration.ofSeconds(10), 1, 5, 0,
                (e, timeout) -> CompletableFuture.completedFuture(CheckResult.PASSED), (healthy, why) -> heard.add(healthy));
        checker.start();
        await().atMost(Duration.ofSeconds(15)).until(checker::healthy);
        for (int i = 0; i < 100; i++) {
            checker.proxyError("connect_refused (Connection refused)");
        }
        assertThat(heard).containsExactly(true);
        checker.close();
    }

    private HealthProbe slowPassingProbe() {
        return (e, timeout) -> CompletableFuture.supplyAsync(() -> {
            int now = running.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            checks.incrementAndGet();
            try {
                Thread.sleep(2);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return CheckResult.PASSED;
        }, pool);
    }

    private HealthChecker checker(Duration interval, Duration fastInterval, int rise, int fall, HealthProbe probe,
            BiConsumer<Boolean, String> verdicts) {
        return checker(interval, fastInterval, rise, fall, 1, probe, verdicts);
    }

    private HealthChecker checker(Duration interval, Duration fastInterval, int rise, int fall, int errorLimit,
            HealthProbe probe, BiConsumer<Boolean, String> verdicts) {
        HealthCheckSettings settings = new HealthCheckSettings(HealthCheckSettings.Type.TCP, "/", interval,
                Duration.ofMillis(1), fastInterval, rise, fall, errorLimit);
        HealthVerdicts owner = new HealthVerdicts() {
            @Override
            public void healthChanged(boolean healthy, String reason) {
                verdicts.accept(healthy, reason);
            }

            @Override
            public void checked(String description) {}

            @Override
            public void counted(CheckOutcome outcome) {}
        };
        return new HealthChecker(endpoint, settings, probe, scheduler, owner, () -> { });
    }
}
