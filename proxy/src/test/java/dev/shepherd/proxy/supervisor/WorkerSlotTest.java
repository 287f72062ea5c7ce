package dev.shepherd.proxy.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.config.HeartbeatSettings;
import dev.shepherd.proxy.config.RestartSettings;
import dev.shepherd.proxy.config.WorkerProtocol;
import dev.shepherd.proxy.config.WorkerSettings;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.endpoint.HealthVerdicts;
import dev.shepherd.proxy.health.EndpointCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The slot's state machine with a manual clock and fake processes: no JVMs, no sleeps. */
class WorkerSlotTest {
    private static final int HOME = 9001;

    private final ManualLoop loop = new ManualLoop();
    private final EndpointGroup group = new EndpointGroup();
    private final List<FakeProcess> started = new CopyOnWriteArrayList<>();
    private final Map<Endpoint, HealthVerdicts> checked = new ConcurrentHashMap<>();
    /** The fleet queue's turns this slot's wishes took, each done when its replacement or restart is over. */
    private final List<CompletableFuture<Void>> turns = new CopyOnWriteArrayList<>();
    /** While true, wishes wait here for the test to give them their turn (other replacements ahead of them). */
    private volatile boolean queueBusy;
    private final List<Runnable> waiting = new CopyOnWriteArrayList<>();
    private final WorkerSettings settings = new WorkerSettings(1, List.of("fake-worker", "--port={port}"), HOME, Map.of("APP_PORT", "{port}", "APP_NAME", "app-{id}"), null,
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(5), 0,
            new RestartSettings(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, Duration.ofSeconds(1), 3, Duration.ofMinutes(5)),
            new HeartbeatSettings(Duration.ofSeconds(1), Duration.ofSeconds(10)), WorkerProtocol.AUTO, 1, Duration.ofMillis(900));
    private final WorkerSlot slot;
    private final SlotContext context;

    WorkerSlotTest(@TempDir Path socketDir) {
        context = new SlotContext(settings, WorkerCommand.of(settings.command()), group, this::watch, loop, Runnable::run,
                (command, env) -> {
                    FakeProcess process = new FakeProcess(command, env);
                    started.add(process);
                    return process;
                },
                socketDir, new WorkerPorts(HOME, 1, port -> true), Runnable::run, (id, text) -> { },
                (wanted, instance, wish) -> {
                    Runnable turn = () -> turns.add(wanted.replaceAsWished(instance, wish));
                    if (queueBusy) {
                        waiting.add(turn);
                    } else {
                        turn.run();
                    }
                });
        slot = new WorkerSlot("0", HOME, context);
    }

    @Test
    void aNewWorkerIsAdmittedOnlyOnceItsChecksPass() {
        slot.start(false);
        loop.runDue();
        assertThat(state()).isEqualTo(EndpointState.STARTING);
        assertThat(group.eligible()).isEmpty();

        passChecks(HOME);
        assertThat(state()).isEqualTo(EndpointState.UP);
        assertThat(group.eligible()).extracting(Endpoint::port).containsExactly(HOME);
    }

    @Test
    void anExitLeavesTheRotationAtOnceAndTheSlotRespawnsAfterItsBackOff() {
        startUp();
        started.get(0).exit(1);
        loop.runDue();
        assertThat(group.eligible()).isEmpty();
        assertThat(state()).isEqualTo(EndpointState.BACKOFF);
        assertThat(slot.status().get(0).lastExit().description()).isEqualTo("exit code 1");

        loop.advance(Duration.ofMillis(99));
        assertThat(started).hasSize(1);
        loop.advance(Duration.ofMillis(1));
        assertThat(started).hasSize(2);
        passChecks(HOME);
        assertThat(state()).isEqualTo(EndpointState.UP);
        assertThat(slot.status().get(0).restarts()).isEqualTo(1);
    }

    @Test
    void aWorkerThatKeepsExitingEndsFailedAndAnOperatorsRestartRevivesIt() {
        crashUntilFailed();
        assertThat(started).hasSize(4);

        CompletableFuture<Replacement> revived = slot.replace();
        loop.runDue();
        assertThat(started).hasSize(5);
        passChecks(HOME);
        assertThat(revived).isCompletedWithValueMatching(r -> r.newPort() == HOME && r.oldPid() == -1);
        assertThat(state()).isEqualTo(EndpointState.UP);
    }

    @Test
    void aRespawnedWorkerTakesATenthOfAShareAtFirstAndAFullOneAfterSlowStart() {
        startUp();
        assertThat(weight()).as("started with the edge: no slow start").isEqualTo(100);
        started.get(0).exit(1);
        loop.advance(Duration.ofMillis(100));
        passChecks(HOME);
        assertThat(weight()).isEqualTo(10);
        loop.advance(Duration.ofMillis(2500));
        assertThat(weight()).isEqualTo(60);
        loop.advance(Duration.ofMillis(2500));
        assertThat(weight()).isEqualTo(100);
    }

    @Test
    void aReplacementRampsUpToo() {
        startUp();
        slot.replace();
        loop.runDue();
        passChecks(HOME + 1);
        assertThat(slot.status().get(0).weight()).isEqualTo(10);
        loop.advance(Duration.ofSeconds(5));
        assertThat(slot.status().get(0).weight()).isEqualTo(100);
    }

    @Test
    void aWorkerOverTheMemoryCapInThreeSamplesInARowIsReplacedTheRollingWay() {
        startUp();
        FakeProcess old = started.get(0);
        long cap = 200L << 20;
        slot.checkMemory(cap, pid -> 300L << 20);
        slot.checkMemory(cap, pid -> 100L << 20); // below in between: the count starts again
        slot.checkMemory(cap, pid -> 300L << 20);
        slot.checkMemory(cap, pid -> 300L << 20);
        loop.runDue();
        assertThat(started).as("two samples in a row are not enough").hasSize(1);

        slot.checkMemory(cap, pid -> 300L << 20);
        loop.runDue();

        assertThat(started).as("a replacement on a spare port").hasSize(2);
        assertThat(started.get(1).port()).isEqualTo(HOME + 1);
        assertThat(old.terminated).as("still serving until its replacement is UP").isFalse();
        passChecks(HOME + 1);
        assertThat(old.terminated).isTrue();
        assertThat(group.eligible()).extracting(Endpoint::port).containsExactly(HOME + 1);
        assertThat(slot.status().get(0).replacementsByCause()).isEqualTo(Map.of(ReplacementCause.MEMORY, 1));
        assertThat(slot.status().get(0).restarts()).isZero();
    }

    @Test
    void aWorkerUnhealthyPastItsGraceIsRestartedInPlaceAndHoldsItsTurnInTheQueueUntilItsRespawnIsUp() {
        startUp();
        FakeProcess old = started.get(0);
        failChecks(HOME);
        assertThat(state()).isEqualTo(EndpointState.UNHEALTHY);
        loop.advance(Duration.ofSeconds(29));
        assertThat(turns).as("within unhealthy-restart-after").isEmpty();

        loop.advance(Duration.ofSeconds(1));
        assertThat(turns).hasSize(1);
        assertThat(started).as("restarted in place: no spare-port replacement").hasSize(1);
        assertThat(old.terminated).as("out of rotation already: stopped first").isTrue();
        old.exit(143);
        loop.advance(Duration.ofMillis(100)); // initial-delay: it had run stably
        assertThat(started).hasSize(2);
        assertThat(started.get(1).port()).isEqualTo(HOME);
        assertThat(turns.get(0)).as("the queue's turn lasts until the respawn is UP").isNotDone();

        passChecks(HOME);
        assertThat(turns.get(0)).isDone();
        assertThat(slot.status().get(0).restartsByCause()).isEqualTo(Map.of(ExitCause.Kind.UNHEALTHY, 1));
        assertThat(slot.status().get(0).replacementsByCause()).isEmpty();
    }

    @Test
    void aWorkerThatRecoversBeforeItsTurnIsNotRestartedAndIsWantedAgainIfItFallsAgain() {
        unhealthyForItsGraceWhileTheQueueIsBusy();
        assertThat(waiting).as("waits its turn behind other replacements").hasSize(1);
        passChecks(HOME);
        queueBusy = false;
        waiting.remove(0).run();
        loop.runDue();
        assertThat(turns.get(0)).isDone();
        assertThat(started.get(0).terminated).as("UP again when its turn came").isFalse();

        failChecks(HOME);
        loop.advance(Duration.ofSeconds(30));
        assertThat(started.get(0).terminated).as("wanted again after another grace").isTrue();
    }

    @Test
    void aWorkerThatFallsAgainWhileItsRestartWaitsGetsAFreshGrace() {
        unhealthyForItsGraceWhileTheQueueIsBusy();
        passChecks(HOME);
        failChecks(HOME);
        loop.advance(Duration.ofSeconds(1));
        queueBusy = false;
        waiting.remove(0).run();
        loop.runDue();
        assertThat(started.get(0).terminated).as("UNHEALTHY for 1 s this time").isFalse();

        loop.advance(Duration.ofSeconds(28));
        assertThat(started.get(0).terminated).isFalse();
        loop.advance(Duration.ofSeconds(1));
        assertThat(started.get(0).terminated).as("30 s after it fell again").isTrue();
    }

    @Test
    void aWorkerOverTheMemoryCapWhileItsUnhealthyRestartWaitsIsWantedReplacedToo() {
        unhealthyForItsGraceWhileTheQueueIsBusy();
        passChecks(HOME);
        overTheMemoryCapThreeSamplesInARow();
        loop.runDue();
        assertThat(waiting).as("the unhealthy restart, then the memory replacement").hasSize(2);
        queueBusy = false;
        waiting.remove(0).run();
        waiting.remove(0).run();
        loop.runDue();
        assertThat(started).as("replaced the rolling way: a second process on a spare port").hasSize(2);
        passChecks(HOME + 1);
        assertThat(slot.status().get(0).replacementsByCause()).isEqualTo(Map.of(ReplacementCause.MEMORY, 1));
    }

    @Test
    void aWorkerStillOverTheCapAfterAFailedReplacementIsWantedReplacedAgain() {
        startUp();
        overTheMemoryCapThreeSamplesInARow();
        loop.runDue();
        assertThat(started).hasSize(2);
        loop.advance(Duration.ofSeconds(5)); // ready-timeout: the replacement never came UP
        assertThat(state()).as("the old instance keeps serving").isEqualTo(EndpointState.UP);

        overTheMemoryCapThreeSamplesInARow();
        loop.runDue();

        assertThat(started).as("a second replacement").hasSize(3);
    }

    @Test
    void withProtocolRuntimeAWorkerWhoseChecksPassIsNotAdmittedWithoutReady() {
        slot.reconfigure(context.with(withProtocol(WorkerProtocol.RUNTIME), context.starter()));
        slot.start(false);
        loop.runDue();
        passChecks(HOME);
        assertThat(state()).as("its port answers, but it bound before it said ready").isEqualTo(EndpointState.STARTING);
        assertThat(group.eligible()).isEmpty();
        assertThat(started.get(0).env).containsKeys("SHEPHERD_CONTROL_SOCKET", "SHEPHERD_CONTROL_SECRET");

        loop.advance(Duration.ofSeconds(5));
        assertThat(slot.status().get(0).lastExit().description()).isEqualTo("not UP within 5000 ms, killed");
    }

    @Test
    void withProtocolNoneNoControlChannelIsOfferedAndPassingChecksAdmit() {
        slot.reconfigure(context.with(withProtocol(WorkerProtocol.NONE), context.starter()));
        slot.start(false);
        loop.runDue();
        assertThat(started.get(0).env).doesNotContainKeys("SHEPHERD_CONTROL_SOCKET", "SHEPHERD_CONTROL_SECRET");
        passChecks(HOME);
        assertThat(state()).isEqualTo(EndpointState.UP);
    }

    private WorkerSettings withProtocol(WorkerProtocol protocol) {
        WorkerSettings s = settings;
        return new WorkerSettings(s.count(), s.command(), s.firstPort(), s.env(), s.directory(), s.readyTimeout(), s.drainTimeout(),
                s.stopTimeout(), s.killTimeout(), s.unhealthyRestartAfter(), s.slowStart(), s.maxMemory(), s.restart(),
                s.heartbeat(), protocol, s.maxSurge(), s.closeSpread());
    }

    @Test
    void aWorkerNotUpWithinReadyTimeoutIsKilledAndThatIsItsExitCause() {
        slot.start(false);
        loop.advance(Duration.ofSeconds(5));
        assertThat(started.get(0).exitValue()).isEqualTo(137);
        assertThat(slot.status().get(0).lastExit().description()).isEqualTo("not UP within 5000 ms, killed");
        assertThat(state()).isEqualTo(EndpointState.BACKOFF);
    }

    @Test
    void aReplacementStartsOnASparePortAndTheOldInstanceStopsOnlyOnceTheReplacementIsUp() {
        startUp();
        FakeProcess old = started.get(0);
        CompletableFuture<Replacement> replaced = slot.replace();
        loop.runDue();
        FakeProcess replacement = started.get(1);
        assertThat(replacement.port()).isEqualTo(HOME + 1);
        assertThat(slot.status()).extracting(WorkerStatus::state).containsExactly(EndpointState.UP, EndpointState.STARTING);
        assertThat(group.eligible()).extracting(Endpoint::port).containsExactly(HOME);
        assertThat(old.isAlive()).isTrue();

        passChecks(HOME + 1);
        assertThat(replaced).isCompletedWithValue(new Replacement("0", old.pid(), replacement.pid(), HOME + 1));
        assertThat(group.eligible()).extracting(Endpoint::port).containsExactly(HOME + 1);
        assertThat(old.terminated).as("no connection open: drained at once, no control channel: SIGTERM").isTrue();
        loop.runDue();
        assertThat(slot.status()).extracting(WorkerStatus::port, WorkerStatus::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(HOME + 1, EndpointState.UP));
        assertThat(slot.status().get(0).restarts()).as("a planned replacement is no restart").isZero();
    }

    @Test
    void aReplacementThatNeverComesUpAbortsTheRollAndTheOldInstanceKeepsServing() {
        startUp();
        FakeProcess old = started.get(0);
        CompletableFuture<Replacement> replaced = slot.replace();
        loop.advance(Duration.ofSeconds(5));
        assertThat(replaced).isCompletedExceptionally();
        assertThat(replaced.handle((r, e) -> e.getMessage()).join())
                .contains("the replacement on port 9002 did not come UP (not UP within 5000 ms, killed)")
                .contains("pid " + old.pid() + " keeps serving");
        assertThat(old.isAlive()).isTrue();
        assertThat(group.eligible()).extracting(Endpoint::port).containsExactly(HOME);
        assertThat(slot.status()).hasSize(1);
        assertThat(state()).isEqualTo(EndpointState.UP);
    }

    @Test
    void aReplacedInstanceStillDrainingIsListedAndStoppedWithTheSlot() {
        startUp();
        FakeProcess old = started.get(0);
        old.hangsOnSignals = true;
        EndpointGroup.Lease held = group.tryOpenConnection(group.eligible().get(0), 10);
        slot.replace();
        loop.runDue();
        passChecks(HOME + 1);
        assertThat(slot.status()).extracting(WorkerStatus::port, WorkerStatus::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(HOME + 1, EndpointState.UP),
                org.assertj.core.groups.Tuple.tuple(HOME, EndpointState.DRAINING));

        CompletableFuture<Void> stopped = slot.stop();
        loop.advance(Duration.ofSeconds(30));
        assertThat(old.terminated).as("the old instance's own stop sequence went on to SIGTERM").isTrue();
        assertThat(stopped).as("not before the old instance has exited").isNotDone();
        slot.killNow();
        assertThat(old.killed).isTrue();
        old.exit(137);
        loop.runDue();
        assertThat(stopped).isDone();
        assertThat(slot.status()).hasSize(1);
        held.release();
    }

    @Test
    void connectionsStillOpenAtTheDrainDeadlineAreClosedSpreadOverCloseSpreadThenTheWorkerIsStopped() {
        startUp();
        Endpoint endpoint = group.eligible().get(0);
        List<Long> closes = new CopyOnWriteArrayList<>();
        List<EndpointGroup.Lease> open = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EndpointGroup.Lease lease = group.tryOpenConnection(endpoint, 10);
            lease.closeWith(nanos -> closes.add(nanos / 1_000_000));
            open.add(lease);
        }
        slot.stop();
        loop.advance(Duration.ofMillis(4999));
        assertThat(closes).as("within drain-timeout").isEmpty();

        loop.advance(Duration.ofMillis(1));
        assertThat(closes).as("close-spread 900 ms over 3 connections").containsExactlyInAnyOrder(0L, 300L, 600L);
        assertThat(started.get(0).terminated).as("not asked to stop during the spread").isFalse();
        open.get(0).release();
        open.get(1).release();
        loop.advance(Duration.ofMillis(899));
        assertThat(started.get(0).terminated).isFalse();
        loop.advance(Duration.ofMillis(1));
        assertThat(started.get(0).terminated).as("the window is over, one still open").isTrue();
        open.get(2).release();
    }

    @Test
    void connectionsThatCannotBeClosedYetDoNotHoldTheStopForTheWindow() {
        startUp();
        EndpointGroup.Lease connecting = group.tryOpenConnection(group.eligible().get(0), 10); // no closer yet
        slot.stop();
        loop.advance(Duration.ofSeconds(5));
        assertThat(started.get(0).terminated).as("asked to stop at the deadline, as without close-spread").isTrue();
        connecting.release();
    }

    @Test
    void theStopRequestGoesOutWhenTheLastSpreadConnectionCloses() {
        startUp();
        EndpointGroup.Lease lease = group.tryOpenConnection(group.eligible().get(0), 10);
        lease.closeWith(nanos -> { });
        slot.stop();
        loop.advance(Duration.ofSeconds(5));
        assertThat(started.get(0).terminated).isFalse();
        lease.release();
        loop.runDue();
        assertThat(started.get(0).terminated).as("no wait for the rest of the window").isTrue();
    }

    @Test
    void aSecondReplacementWhileOneIsUnderWayIsRefused() {
        startUp();
        slot.replace();
        loop.runDue();
        assertThat(slot.replace()).isCompletedExceptionally();
    }

    @Test
    void aDrainEndsWhenTheLastConnectionClosesAndReadyPutsTheWorkerBack() {
        startUp();
        Endpoint endpoint = group.eligible().get(0);
        EndpointGroup.Lease open = group.tryOpenConnection(endpoint, 10);

        CompletableFuture<Void> drained = slot.drain().idle();
        assertThat(group.eligible()).isEmpty();
        assertThat(state()).isEqualTo(EndpointState.DRAINING);
        assertThat(group.tryOpenConnection(endpoint, 10)).as("a client holding an older snapshot").isNull();
        assertThat(drained).isNotDone();

        open.release();
        assertThat(drained).isDone();
        slot.ready();
        assertThat(group.eligible()).containsExactly(endpoint);
    }

    @Test
    void stoppingDrainsFirstThenSignalsAndTheSlotEndsStopped() {
        startUp();
        EndpointGroup.Lease open = group.tryOpenConnection(group.eligible().get(0), 10);
        CompletableFuture<Void> stopped = slot.stop();
        loop.advance(Duration.ofSeconds(4));
        assertThat(started.get(0).isAlive()).as("draining for up to drain-timeout").isTrue();

        open.release();
        loop.runDue();
        assertThat(started.get(0).terminated).isTrue();
        assertThat(stopped).isDone();
        assertThat(state()).isEqualTo(EndpointState.STOPPED);
        assertThat(slot.status().get(0).lastExit().description()).isEqualTo("stopped by the edge: exited on SIGTERM (exit code 143), sent by the edge");
    }

    @Test
    void stoppingAWorkerThatIsBeingKilledKeepsTheKillsCauseAndSendsNoSignalOfItsOwn() {
        slot.start(false);
        loop.runDue();
        FakeProcess slow = started.get(0);
        slow.hangsOnSignals = true;
        loop.advance(Duration.ofSeconds(5));
        assertThat(slow.killed).isTrue();

        CompletableFuture<Void> stopped = slot.stop(); // while the killed process has not exited yet
        loop.advance(Duration.ofSeconds(10));
        assertThat(slow.terminated).as("no stop sequence on a process being killed").isFalse();
        slow.exit(137);
        loop.runDue();
        assertThat(stopped).isDone();
        assertThat(state()).isEqualTo(EndpointState.STOPPED);
        assertThat(slot.status().get(0).lastExit().description()).isEqualTo("not UP within 5000 ms, killed");
        assertThat(started).hasSize(1);
    }

    @Test
    void aWorkerKilledAgainAndAgainWhileServingIsRespawnedAfterTheInitialDelayAndNeverFails() {
        startUp();
        for (int i = 0; i < 20; i++) {
            loop.advance(Duration.ofSeconds(2)); // UP for longer than min-uptime: it has shown it starts
            started.get(i).exit(137);
            loop.runDue();
            assertThat(state()).isEqualTo(EndpointState.BACKOFF);
            loop.advance(Duration.ofMillis(100));
            assertThat(started).hasSize(i + 2);
            passChecks(HOME);
            assertThat(state()).isEqualTo(EndpointState.UP);
        }
        assertThat(slot.status().get(0).restarts()).isEqualTo(20);
    }

    @Test
    void aWorkerNeverReadyEndsFailedAfterMaxRestartsTriesWhateverItsReadyTimeout() {
        slot.start(false);
        loop.runDue();
        for (int i = 0; i < 4; i++) {
            loop.advance(Duration.ofSeconds(5)); // ready-timeout: killed, a crash
            loop.advance(Duration.ofSeconds(1)); // the back-off, at most max-delay
        }
        assertThat(started).hasSize(4);
        assertThat(state()).isEqualTo(EndpointState.FAILED);
        assertThat(slot.status().get(0).lastExit().description()).isEqualTo("not UP within 5000 ms, killed");
    }

    @Test
    void aFailedSlotIsTriedAgainAfterFailedRetryAndStaysUpIfItStarts() {
        crashUntilFailed();
        assertThat(slot.status().get(0).health()).isEqualTo("FAILED after 3 crashes in a row, tried again in 298000 ms");

        loop.advance(Duration.ofMinutes(5).minusSeconds(2).minusMillis(1));
        assertThat(started).hasSize(4);
        loop.advance(Duration.ofMillis(1));
        assertThat(started).hasSize(5);
        started.get(4).exit(1); // crashes again: FAILED again at once, and the next try in another 5 min
        loop.runDue();
        assertThat(state()).isEqualTo(EndpointState.FAILED);
        assertThat(slot.status().get(0).health()).endsWith("(1 tries after FAILED so far)");

        loop.advance(Duration.ofMinutes(5));
        assertThat(started).hasSize(6);
        passChecks(HOME);
        assertThat(state()).isEqualTo(EndpointState.UP);
    }

    @Test
    void eachInstanceGetsItsOwnPortAndIdInItsCommandAndEnvironment() {
        startUp();
        assertThat(started.get(0).command).containsExactly("fake-worker", "--port=" + HOME);
        assertThat(started.get(0).env).containsEntry("APP_PORT", Integer.toString(HOME)).containsEntry("APP_NAME", "app-0");

        slot.replace(); // onto a spare port while the old instance serves
        loop.runDue();
        int spare = started.get(1).port();
        assertThat(spare).isNotEqualTo(HOME);
        assertThat(started.get(1).command).containsExactly("fake-worker", "--port=" + spare);
        assertThat(started.get(1).env).containsEntry("APP_PORT", Integer.toString(spare)).containsEntry("APP_NAME", "app-0");
    }

    /** Starts the slot and has each of its instances exit at once: 3 respawns (max-restarts), then FAILED. */
    private void crashUntilFailed() {
        slot.start(false);
        loop.runDue();
        for (int i = 0; i < 4; i++) {
            started.get(i).exit(1);
            loop.advance(Duration.ofSeconds(2));
        }
        assertThat(state()).isEqualTo(EndpointState.FAILED);
    }

    /** An UP worker fails its checks for the 30 s unhealthy grace while other replacements hold the fleet queue. */
    private void unhealthyForItsGraceWhileTheQueueIsBusy() {
        startUp();
        queueBusy = true;
        failChecks(HOME);
        loop.advance(Duration.ofSeconds(30));
    }

    /** Three samples of 300 MiB resident against a 200 MiB cap: the count that wants a replacement. */
    private void overTheMemoryCapThreeSamplesInARow() {
        for (int i = 0; i < 3; i++) {
            slot.checkMemory(200L << 20, pid -> 300L << 20);
        }
    }

    private void startUp() {
        slot.start(false);
        loop.runDue();
        passChecks(HOME);
        assertThat(state()).isEqualTo(EndpointState.UP);
    }

    private int weight() {
        return slot.status().get(0).weight();
    }

    private EndpointState state() {
        return slot.status().get(0).state();
    }

    /** The health checks of the instance on {@code port} fail their fall streak. */
    private void failChecks(int port) {
        checked.get(new Endpoint("0", "127.0.0.1", port)).healthChanged(false, "2 health checks failed");
        loop.runDue();
    }

    /** The health checks of the instance on {@code port} pass their rise streak. */
    private void passChecks(int port) {
        checked.get(new Endpoint("0", "127.0.0.1", port)).healthChanged(true, "2 health checks passed");
        loop.runDue();
    }

    private EndpointCheck watch(Endpoint endpoint, HealthVerdicts owner) {
        checked.put(endpoint, owner);
        return new EndpointCheck() {
            @Override
            public void checkNow() {}

            @Override
            public void close() {}
        };
    }
}
