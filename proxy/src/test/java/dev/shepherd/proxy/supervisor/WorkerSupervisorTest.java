package dev.shepherd.proxy.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.shepherd.proxy.config.HealthCheckSettings;
import dev.shepherd.proxy.config.HeartbeatSettings;
import dev.shepherd.proxy.config.RestartSettings;
import dev.shepherd.proxy.config.WorkerProtocol;
import dev.shepherd.proxy.config.WorkerSettings;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.health.HealthMonitor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The supervisor's API over real worker JVMs (the demo worker from worker-runtime) and real commands. */
class WorkerSupervisorTest {
    private static final Duration READY = Duration.ofSeconds(30);

    private final EndpointGroup group = new EndpointGroup();
    private final HealthMonitor health = new HealthMonitor(new HealthCheckSettings(HealthCheckSettings.Type.TCP, "/",
            Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(50), 1, 2, 5));
    private WorkerSupervisor supervisor;

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.close();
        }
        health.close();
    }

    @Test
    void aMessageGoesToTheWorkerAndItsAnswerComesBack() throws Exception {
        start(settings(1, List.of(), Map.of()));
        BlockingQueue<String> answers = new ArrayBlockingQueue<>(10);
        supervisor.onMessage((id, text) -> answers.add(id + ": " + text));
        awaitState("0", EndpointState.UP);

        assertThat(supervisor.send("0", "ping\nwith a second line").get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("0: echo: ping\nwith a second line");
        assertThat(supervisor.send("7", "nobody")).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(IllegalArgumentException.class)
                .withMessageContaining("no such worker; the workers are 0..0");
    }

    @Test
    void theWorkerEnvironmentCarriesWorkersEnvAndShepherdsVariables() throws Exception {
        Path out = Files.createTempFile("worker-env", ".txt");
        try {
            // SHEPHERD_ADMIN_TOKEN is set for this test JVM by the pom: the edge's secret, not the workers'.
            String script = "echo \"$SHEPHERD_WORKER_ID $SHEPHERD_WORKER_PORT $MODE $SHEPHERD_HEARTBEAT_INTERVAL"
                    + " token:${SHEPHERD_ADMIN_TOKEN:-none}\" > " + out
                    + "; [ -S \"$SHEPHERD_CONTROL_SOCKET\" ] && echo socket >> " + out + "; exec sleep 60";
            WorkerSettings settings = settings(1, List.of("sh", "-c", script), Map.of("MODE", "prod"));
            start(settings);
            await().atMost(READY).until(() -> Files.readAllLines(out).size() == 2);
            assertThat(Files.readAllLines(out)).containsExactly(
                    "0 " + settings.firstPort() + " prod 1000 token:none", "socket");
            assertThat(System.getenv("SHEPHERD_ADMIN_TOKEN")).isEqualTo("edge-only");
        } finally {
            Files.delete(out);
        }
    }

    @Test
    void aWorkerWithoutTheRuntimeIsAdmittedWhenItsPortAcceptsConnections() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = Path.of(dev.shepherd.worker.demo.DemoWorker.class.getProtectionDomain()
                .getCodeSource().getLocation().toURI()).toString();
        // Without SHEPHERD_CONTROL_SOCKET the demo worker runs standalone: it never says ready.
        WorkerSettings settings = settings(1, List.of("sh", "-c",
                "unset SHEPHERD_CONTROL_SOCKET; exec " + java + " -cp " + classPath + " dev.shepherd.worker.demo.DemoWorker"),
                Map.of());
        start(settings);
        awaitState("0", EndpointState.UP);
        assertThat(group.eligible()).extracting(endpoint -> endpoint.port()).containsExactly(settings.firstPort());
    }

    @Test
    void aPortTakenByAnotherProcessIsNamedAndTheSlotFailsAfterItsRestarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            WorkerSettings settings = settings(1, List.of(), Map.of(), taken.getLocalPort());
            start(settings);
            WorkerStatus failed = awaitState("0", EndpointState.FAILED);
            assertThat(failed.lastExit().description())
                    .startsWith("port " + taken.getLocalPort() + " is already in use by another process: pid "
                            + ProcessHandle.current().pid() + " (");
            assertThat(failed.restarts()).isEqualTo(3);
            assertThat(failed.pid()).isEmpty();
            assertThat(group.eligible()).isEmpty();
        }
    }

    @Test
    void aCommandThatCannotStartIsNamedAndTheSlotFails() throws Exception {
        start(settings(1, List.of("/no/such/worker", "--flag"), Map.of()));
        WorkerStatus failed = awaitState("0", EndpointState.FAILED);
        assertThat(failed.lastExit().description())
                .isEqualTo("cannot start [/no/such/worker, --flag]: No such file or directory");
    }

    @Test
    void aWorkerThatIgnoresTheStopRequestAndSigtermIsKilled() throws Exception {
        // The shell ignores SIGTERM and never connects to the control channel; it is admitted by
        // nothing, so it stays STARTING: a stop must still end it, by SIGKILL.
        start(settings(1, List.of("sh", "-c", "trap '' TERM; while true; do sleep 0.05; done"), Map.of()));
        long pid = await().atMost(READY).until(() -> supervisor.status().get(0).pid(), p -> p.isPresent()).getAsLong();

        long began = System.nanoTime();
        supervisor.close();
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        supervisor = null;
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        // No control channel: SIGTERM at once, SIGKILL after kill-timeout (300 ms).
        assertThat(tookMillis).isBetween(250L, 5_000L);
    }

    @Test
    void aWorkerThatClosesItsChannelButDoesNotExitIsStoppedAndRespawned() throws Exception {
        start(settings(1, javaCommand(ExitHangsWorker.class), Map.of()));
        WorkerStatus up = awaitState("0", EndpointState.UP);
        long first = up.pid().getAsLong();
        // It closes its channel after 1.5 s: out of rotation at once, SIGTERM after stop-timeout (2 s)
        // does nothing to a JVM already exiting, SIGKILL after kill-timeout (300 ms), respawn.
        await().atMost(READY).until(() -> !ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false));
        WorkerStatus after = await().atMost(READY).until(() -> supervisor.status().get(0),
                status -> status.lastExit() != null);
        assertThat(after.lastExit().description()).isEqualTo("killed by SIGKILL (exit code 137), not sent by the edge");
        assertThat(after.restarts()).isEqualTo(1);
    }

    @Test
    void stoppingAWorkerStartedByAShellScriptStopsTheScriptsJavaToo() throws Exception {
        List<String> java = javaCommand(dev.shepherd.worker.demo.DemoWorker.class);
        // No exec: the shell stays the worker's process, and the JVM is its child. Without the control
        // channel the JVM cannot be asked to stop: only a signal reaches it.
        start(settings(1, List.of("sh", "-c", "unset SHEPHERD_CONTROL_SOCKET; " + String.join(" ", java) + "; echo the worker ended"),
                Map.of()));
        long shell = awaitState("0", EndpointState.UP).pid().getAsLong();
        List<ProcessHandle> children = ProcessHandle.of(shell).orElseThrow().descendants().toList();
        assertThat(children).isNotEmpty();

        supervisor.close();
        supervisor = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void aWorkerWithOpenConnectionsIsDrainedBeforeItIsAskedToStop() throws Exception {
        start(settings(1, List.of(), Map.of()));
        long pid = awaitState("0", EndpointState.UP).pid().getAsLong();
        var endpoint = group.eligible().get(0);
        EndpointGroup.Lease open = group.tryOpenConnection(endpoint, 10);

        WorkerSupervisor stopping = supervisor;
        supervisor = null;
        java.util.concurrent.CompletableFuture<Void> closed = java.util.concurrent.CompletableFuture.runAsync(stopping::close);
        await().atMost(READY).until(() -> group.status().get(0).state() == EndpointState.DRAINING);
        Thread.sleep(300); // drain-timeout is 5 s: the open connection holds the worker that long
        assertThat(group.status().get(0).state()).isEqualTo(EndpointState.DRAINING);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(closed).isNotDone();

        open.release();
        closed.get(10, TimeUnit.SECONDS);
        assertThat(stopping.status().get(0).state()).isEqualTo(EndpointState.STOPPED);
        assertThat(group.status()).as("a stopped worker's endpoint leaves the group").isEmpty();
    }

    @Test
    void aWorkerThatNeverReadsItsChannelCostsTheEdgeNoThreadAndIsStoppedBySigterm() throws Exception {
        start(settings(1, javaCommand(DeafWorker.class), Map.of()));
        awaitState("0", EndpointState.UP);
        String big = "x".repeat(60_000);

        List<CompletableFuture<Boolean>> sends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sends.add(supervisor.send("0", big));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        long dropped = sends.stream().filter(sent -> !sent.join()).count();
        assertThat(dropped).as("12 MB to a worker that reads nothing: the queue's overflow is dropped").isGreaterThan(100);
        List<String> writing = Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> java.util.Arrays.stream(thread.getValue())
                        .anyMatch(frame -> frame.getClassName().endsWith("FrameWriter") && frame.getMethodName().equals("write")))
                .map(thread -> thread.getKey().getName()).toList();
        assertThat(writing).as("threads stuck in a write: the worker's one writer at most, none per send")
                .allMatch(name -> name.equals("worker-0-control-out"));
        long began = System.nanoTime();
        supervisor.close();
        supervisor = null;
        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("its stop request cannot be queued: SIGTERM at once")
                .isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aRollingRestartWithMaxSurge2ReplacesTwoWorkersAtOnceAndNeverLowersCapacity() throws Exception {
        WorkerSettings one = settings(3, List.of(), Map.of());
        start(new WorkerSettings(one.count(), one.command(), one.firstPort(), one.env(), one.directory(), one.readyTimeout(),
                one.drainTimeout(), one.stopTimeout(), one.killTimeout(), one.unhealthyRestartAfter(), one.slowStart(),
                one.maxMemory(), one.restart(), one.heartbeat(), one.protocol(), 2, one.closeSpread()));
        for (String id : List.of("0", "1", "2")) {
            awaitState(id, EndpointState.UP);
        }

        var rolled = supervisor.reload();
        int mostReplacingAtOnce = 0;
        int fewestUp = Integer.MAX_VALUE;
        while (!rolled.isDone()) {
            List<WorkerStatus> rows = supervisor.status();
            // A slot with two rows or more has a replacement (or a retiring instance) beside its serving one.
            long replacing = rows.stream().filter(r -> r.state() == EndpointState.STARTING).count();
            mostReplacingAtOnce = Math.max(mostReplacingAtOnce, (int) replacing);
            fewestUp = Math.min(fewestUp, (int) rows.stream().filter(r -> r.state() == EndpointState.UP).count());
            Thread.sleep(5);
        }

        assertThat(rolled.get(10, TimeUnit.SECONDS)).extracting(Replacement::id).containsExactly("0", "1", "2");
        assertThat(mostReplacingAtOnce).as("replacements starting at once").isEqualTo(2);
        assertThat(fewestUp).as("workers UP at every sample").isGreaterThanOrEqualTo(3);
    }

    @Test
    void theStatusReadWhenAScaleCompletesAlreadyShowsTheNewWorkerUp() throws Exception {
        start(settings(1, List.of(), Map.of()));
        awaitState("0", EndpointState.UP);

        // Read in the thread that completes the command, the first moment a caller can.
        List<WorkerStatus> seen = supervisor.scale(2).thenApply(scaled -> supervisor.status()).get(30, TimeUnit.SECONDS);

        assertThat(seen).extracting(WorkerStatus::id, WorkerStatus::state)
                .containsExactly(tuple("0", EndpointState.UP),
                        tuple("1", EndpointState.UP));
    }

    @Test
    void theStatusReadWhenAWorkersUpLineIsLoggedAlreadyShowsItUp() throws Exception {
        List<List<WorkerStatus>> readAtTheLine = new CopyOnWriteArrayList<>();
        Logger instanceLog = (Logger) LoggerFactory.getLogger(WorkerInstance.class);
        AppenderBase<ILoggingEvent> reader = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getFormattedMessage().contains(" is UP on port ")) {
                    readAtTheLine.add(supervisor.status());
                }
            }
        };
        reader.setContext(instanceLog.getLoggerContext());
        reader.start();
        instanceLog.addAppender(reader);
        try {
            start(settings(1, List.of(), Map.of()));
            await().atMost(READY).until(() -> !readAtTheLine.isEmpty());
        } finally {
            instanceLog.detachAppender(reader);
        }

        assertThat(readAtTheLine.get(0)).extracting(WorkerStatus::state).containsExactly(EndpointState.UP);
    }

    private static List<String> javaCommand(Class<?> main) {
        return List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx32m",
                "-cp", System.getProperty("java.class.path"), main.getName());
    }

    private void start(WorkerSettings settings) throws IOException {
        supervisor = new WorkerSupervisor(settings, group, health, ProcessStarter::system);
        supervisor.spawnAll();
    }

    private WorkerStatus awaitState(String id, EndpointState state) {
        return await().atMost(READY).pollInterval(Duration.ofMillis(20))
                .until(() -> supervisor.status().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(),
                        status -> status.state() == state);
    }

    private static WorkerSettings settings(int count, List<String> command, Map<String, String> env) throws IOException {
        return settings(count, command, env, freePortsBelowTheEphemeralRange(count + 2));
    }

    /**
     * The first of {@code count} consecutive loopback ports free a moment ago, in 20000..30000: below
     * the ephemeral range, so that no client connection (a health check's) takes one meanwhile.
     */
    private static int freePortsBelowTheEphemeralRange(int count) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000, 30_000);
            boolean free = true;
            for (int port = first; port < first + count && free; port++) {
                free = PortCheck.isFree(port);
            }
            if (free) {
                return first;
            }
        }
        throw new IOException("no " + count + " consecutive free ports in 20000..30000");
    }

    private static WorkerSettings settings(int count, List<String> command, Map<String, String> env, int firstPort) {
        return new WorkerSettings(count, command, firstPort, env, null,
                Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(5), 0,
                new RestartSettings(Duration.ofMillis(20), Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 3, Duration.ofMinutes(1)),
                new HeartbeatSettings(Duration.ofSeconds(1), Duration.ofSeconds(10)), WorkerProtocol.AUTO, 1, Duration.ofSeconds(1));
    }
}
