package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.ToStringConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The real image, built from docker/Dockerfile and this build's distribution, run with
 * Testcontainers on host networking: it serves through demo workers, takes its settings from
 * CONFIG_FORCE_ variables, runs as a non-root user, answers its HEALTHCHECK command, re-reads its
 * config on SIGHUP and stops gracefully, exit 0, on docker stop.
 */
class DockerImageIT {
    private static final String IMAGE = "shepherd:it";
    private static final Duration START = Duration.ofSeconds(60);

    @BeforeAll
    static void buildTheImage() throws Exception {
        List<String> build = new ArrayList<>(List.of("docker", "build", "--network", "host", "-f", "docker/Dockerfile", "-t", IMAGE));
        String base = System.getenv("SHEPHERD_BASE_IMAGE"); // .ci/run builds one offline
        if (base != null && !base.isBlank()) {
            build.addAll(List.of("--build-arg", "BASE_IMAGE=" + base));
        }
        build.add(".");
        Path log = Files.createTempFile("docker-build", ".log");
        Process process = new ProcessBuilder(build).directory(JavaProcess.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("docker build within 5 minutes").isTrue();
        assertThat(process.exitValue()).as("docker build: %s", Files.readString(log)).isZero();
    }

    @Test
    void theImageServesRunsAsNonRootAnswersItsHealthCheckReloadsOnSighupAndStopsGracefully() throws Exception {
        int listen = FreePort.reserve();
        int admin = FreePort.reserve();
        int firstPort = FreePort.reserveRange(2);
        ToStringConsumer logs = new ToStringConsumer();
        try (GenericContainer<?> edge = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withImagePullPolicy(name -> false)
                .withNetworkMode("host")
                .withEnv("CONFIG_FORCE_shepherd_listen_host", "127.0.0.1")
                .withEnv("CONFIG_FORCE_shepherd_listen_port", Integer.toString(listen))
                .withEnv("CONFIG_FORCE_shepherd_admin_port", Integer.toString(admin))
                .withEnv("CONFIG_FORCE_shepherd_workers_count", "2")
                .withEnv("CONFIG_FORCE_shepherd_workers_first__port", Integer.toString(firstPort))
                .withLogConsumer(logs)
                .waitingFor(Wait.forLogMessage(".*worker 1 \\(pid .*\\n", 1).withStartupTimeout(START))) {
            edge.start();
            assertThat(Http.get(listen)).contains("hello from worker");

            Container.ExecResult health = edge.execInContainer("bin/shepherd", "health");
            assertThat(health.getExitCode()).as("health: %s %s", health.getStdout(), health.getStderr()).isZero();
            assertThat(health.getStdout()).contains("healthy");
            InspectImageResponse image = DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec();
            assertThat(image.getConfig().getHealthcheck().getTest()).containsExactly("CMD", "bin/shepherd", "health");
            assertThat(image.getConfig().getUser()).isEqualTo("10001:10001");

            InspectContainerResponse running = edge.getContainerInfo();
            long pid = running.getState().getPidLong();
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
            assertThat(status).as("the edge, PID 1 in the container, is the JVM run by a non-root user")
                    .containsPattern("(?m)^Uid:\\s+10001\\s").containsPattern("(?m)^Name:\\s+java");

            DockerClientFactory.instance().client().killContainerCmd(edge.getContainerId()).withSignal("HUP").exec();
            awaitLog(logs, "config reload from /opt/shepherd-");

            long stopping = System.nanoTime();
            DockerClientFactory.instance().client().stopContainerCmd(edge.getContainerId()).withTimeout(30).exec();
            long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
            InspectContainerResponse stopped = DockerClientFactory.instance().client()
                    .inspectContainerCmd(edge.getContainerId()).exec();
            System.out.printf("docker stop: exit %d after %d ms%n", stopped.getState().getExitCodeLong(), stopMillis);
            assertThat(stopped.getState().getExitCodeLong()).as("logs:%n%s", logs.toUtf8String()).isZero();
            assertThat(stopMillis).as("well inside docker stop's timeout").isLessThan(20_000);
            assertThat(logs.toUtf8String()).contains("stopping: no new clients").contains("Edge - stopped");
        }
    }

    private static void awaitLog(ToStringConsumer logs, String text) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (!logs.toUtf8String().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in the container's log:\n" + logs.toUtf8String());
            }
            Thread.sleep(50);
        }
    }
}
