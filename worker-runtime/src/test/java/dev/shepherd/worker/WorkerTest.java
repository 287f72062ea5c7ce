package dev.shepherd.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shepherd.worker.protocol.Frame;
import dev.shepherd.worker.protocol.FrameReader;
import dev.shepherd.worker.protocol.FrameWriter;
import dev.shepherd.worker.protocol.SocketStreams;
import dev.shepherd.worker.protocol.WorkerEnv;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerTest {

    @Test
    void aStopFromOutsideWaitsForTheEdgesDrainTimeoutPlusAMarginOrTenSecondsWhenTheEdgeDoesNotSay() {
        assertThat(Worker.drainWait(Map.of(WorkerEnv.DRAIN_TIMEOUT, "30000"))).isEqualTo(Duration.ofSeconds(32));
        assertThat(Worker.drainWait(Map.of(WorkerEnv.DRAIN_TIMEOUT, "500"))).isEqualTo(Duration.ofMillis(2500));
        assertThat(Worker.drainWait(Map.of())).isEqualTo(Duration.ofSeconds(10));
        assertThat(Worker.drainWait(Map.of(WorkerEnv.DRAIN_TIMEOUT, "soon"))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void standaloneTakesItsPortFromTheEnvironmentOrTheArguments() {
        assertThat(Worker.create(Map.of(WorkerEnv.PORT, "9001")).port()).isEqualTo(9001);
        assertThat(Worker.create(Map.of(), "--port", "9002").port()).isEqualTo(9002);
        assertThat(Worker.create(Map.of(), "--port=9003").port()).isEqualTo(9003);
        assertThat(Worker.create(Map.of("PORT", "9004")).port()).isEqualTo(9004);
        Worker standalone = Worker.create(Map.of("PORT", "9004"));
        assertThat(standalone.supervised()).isFalse();
        assertThat(standalone.id()).isEqualTo("standalone");
        standalone.ready();
        standalone.send("nobody listens");
    }

    @Test
    void aMissingOrBadPortIsAClearError() {
        assertThatThrownBy(() -> Worker.create(Map.of()))
                .hasMessage("no port: set SHEPHERD_WORKER_PORT or PORT, or pass --port N");
        assertThatThrownBy(() -> Worker.create(Map.of(), "--port", "http"))
                .hasMessage("--port must be a port number in 1..65535, got 'http'");
        assertThatThrownBy(() -> Worker.create(Map.of(WorkerEnv.PORT, "70000")))
                .hasMessage("SHEPHERD_WORKER_PORT must be a port number in 1..65535, got '70000'");
    }

    @Test
    void aControlSocketThatCannotBeOpenedNamesTheWorkerAndThePath(@TempDir Path dir) {
        Path missing = dir.resolve("nobody.sock");
        assertThatThrownBy(() -> Worker.create(Map.of(WorkerEnv.PORT, "9001", WorkerEnv.ID, "3",
                WorkerEnv.CONTROL_SOCKET, missing.toString())))
                .hasMessageStartingWith("worker 3: cannot open the control channel " + missing);
    }

    @Test
    void supervisedWorkerSaysReadyOnceSendsHeartbeatsAndExchangesMessages(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("w.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            Worker worker = Worker.create(Map.of(WorkerEnv.PORT, "9001", WorkerEnv.ID, "0",
                    WorkerEnv.CONTROL_SOCKET, path.toString(), WorkerEnv.CONTROL_SECRET, "s3cret",
                    WorkerEnv.HEARTBEAT_INTERVAL, "50"));
            worker.exitOnDisconnect(false);
            BlockingQueue<String> received = new ArrayBlockingQueue<>(10);
            worker.onMessage(received::add);
            try (SocketChannel supervisor = server.accept()) {
                FrameReader reader = new FrameReader(SocketStreams.in(supervisor));
                FrameWriter writer = new FrameWriter(SocketStreams.out(supervisor));
                assertThat(worker.supervised()).isTrue();
                assertThat(worker.id()).isEqualTo("0");
                assertThat(reader.next()).as("first, the instance's secret").isEqualTo(Frame.hello("s3cret"));

                worker.ready();
                worker.ready();
                worker.send("line one\nline two");
                int heartbeats = 0;
                int readies = 0;
                Frame message = null;
                while (heartbeats < 3 || message == null) {
                    Frame frame = reader.next();
                    switch (frame.type()) {
                        case HEARTBEAT -> heartbeats++;
                        case READY -> readies++;
                        case MESSAGE -> message = frame;
                        default -> throw new AssertionError("unexpected " + frame);
                    }
                }
                assertThat(readies).isEqualTo(1);
                assertThat(message.payload()).isEqualTo("line one\nline two");

                worker.requestDrain();
                worker.requestReady();
                worker.setWeight(30);
                worker.requestReplacement("a reason");
                List<Frame> asked = new ArrayList<>();
                while (asked.size() < 4) {
                    Frame frame = reader.next();
                    if (frame.type() != Frame.Type.HEARTBEAT) {
                        asked.add(frame);
                    }
                }
                assertThat(asked).containsExactly(Frame.drain(), Frame.undrain(), Frame.weight(30), Frame.replace("a reason"));
                assertThatThrownBy(() -> worker.setWeight(101)).isInstanceOf(IllegalArgumentException.class);

                supervisor.write(java.nio.ByteBuffer.wrap("bogus frame\n".getBytes()));
                writer.write(Frame.message("hello worker"));
                assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("hello worker");
            }
        }
    }

    @Test
    void heartbeatsCarryTheHeapInUseOnlyWhenTheEdgeAsks(@TempDir Path dir) throws Exception {
        for (boolean asked : new boolean[] {false, true}) {
            Path path = dir.resolve("heap-" + asked + ".sock");
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(path));
                Map<String, String> env = new java.util.HashMap<>(Map.of(WorkerEnv.PORT, "9001", WorkerEnv.ID, "0",
                        WorkerEnv.CONTROL_SOCKET, path.toString(), WorkerEnv.CONTROL_SECRET, "s3cret",
                        WorkerEnv.HEARTBEAT_INTERVAL, "20"));
                if (asked) {
                    env.put(WorkerEnv.REPORT_HEAP, "1");
                }
                Worker worker = Worker.create(env);
                worker.exitOnDisconnect(false);
                try (SocketChannel supervisor = server.accept()) {
                    FrameReader in = new FrameReader(SocketStreams.in(supervisor));
                    assertThat(in.next()).isEqualTo(Frame.hello("s3cret"));
                    Frame heartbeat = in.next();
                    assertThat(heartbeat.type()).isEqualTo(Frame.Type.HEARTBEAT);
                    if (asked) {
                        assertThat(heartbeat.heapUsedBytes()).isPositive()
                                .isLessThanOrEqualTo(Runtime.getRuntime().totalMemory());
                    } else {
                        assertThat(heartbeat).isEqualTo(Frame.heartbeat());
                    }
                }
            }
        }
    }

    @Test
    void heartbeatsStopWhileTheLivenessCheckFailsAndResumeWhenItPasses(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("w.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            Worker worker = Worker.create(Map.of(WorkerEnv.PORT, "9001", WorkerEnv.ID, "0",
                    WorkerEnv.CONTROL_SOCKET, path.toString(), WorkerEnv.CONTROL_SECRET, "s3cret",
                    WorkerEnv.HEARTBEAT_INTERVAL, "20"));
            worker.exitOnDisconnect(false);
            java.util.concurrent.atomic.AtomicBoolean alive = new java.util.concurrent.atomic.AtomicBoolean(true);
            worker.livenessCheck(alive::get);
            try (SocketChannel supervisor = server.accept()) {
                BlockingQueue<Frame> frames = new java.util.concurrent.LinkedBlockingQueue<>();
                Thread reader = new Thread(() -> {
                    FrameReader in = new FrameReader(SocketStreams.in(supervisor));
                    try {
                        for (Frame frame = in.next(); frame != null; frame = in.next()) {
                            frames.add(frame);
                        }
                    } catch (Exception closed) {
                        // the test is over
                    }
                });
                reader.setDaemon(true);
                reader.start();
                assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo(Frame.hello("s3cret"));
                assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo(Frame.heartbeat());

                alive.set(false);
                Thread.sleep(100); // a heartbeat already on its way may still come
                frames.clear();
                Thread.sleep(300);
                assertThat(frames).as("heartbeats while the check fails").isEmpty();

                alive.set(true);
                assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo(Frame.heartbeat());
            }
        }
    }

    @Test
    void theDefaultLivenessCheckFailsOnlyWhileThreadsAreDeadlocked() throws Exception {
        assertThat(Worker.noDeadlock()).isTrue();
        ReentrantLock a = new ReentrantLock();
        ReentrantLock b = new ReentrantLock();
        CountDownLatch bothHeld = new CountDownLatch(2);
        Thread first = new Thread(() -> lockBoth(a, b, bothHeld), "deadlocked-1");
        Thread second = new Thread(() -> lockBoth(b, a, bothHeld), "deadlocked-2");
        first.start();
        second.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Worker.noDeadlock() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(Worker.noDeadlock()).isFalse();
        } finally {
            // Interruptible locks: the deadlock ends here, and no other test of this JVM sees it.
            first.interrupt();
            second.interrupt();
            first.join(5000);
            second.join(5000);
        }
        assertThat(Worker.noDeadlock()).isTrue();
    }

    private static void lockBoth(ReentrantLock outer, ReentrantLock inner, CountDownLatch bothHeld) {
        try {
            outer.lockInterruptibly();
            try {
                bothHeld.countDown();
                bothHeld.await();
                inner.lockInterruptibly();
                inner.unlock();
            } finally {
                outer.unlock();
            }
        } catch (InterruptedException e) {
            // the test ends the deadlock
        }
    }
}
