package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
 * config on SIGHUP and stops gracefully, exit 0, on docker stop; and the sidecar layout of
 * docker/compose.yaml, run by docker-compose.
 */
class DockerImageIT {
    private static final String IMAGE = "shepherd:it";
    private static final Duration START = Duration.ofSeconds(60);

    @BeforeAll
    static void buildTheImage() throws Exception {
        // Skipped, with this reason, only where no engine can be reached; .ci/run starts one, so in CI they run.
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine reachable (set DOCKER_HOST, or run .ci/run, which starts one)");
        List<String> build = new ArrayList<>(List.of("docker", "build", "--network", "host", "-f", "docker/Dockerfile", "-t", IMAGE));
        String base = System.getenv("SHEPHERD_BASE_IMAGE"); // .ci/run builds one offline
        if (base != null && !base.isBlank()) {
            build.addAll(List.of("--build-arg", "BASE_IMAGE=" + base));
        }
        build.add(".");
        long started = System.nanoTime();
        assertThat(ran(Map.of(), build).code()).as("docker build").isZero();
        System.out.printf("docker build: %d ms%n", (System.nanoTime() - started) / 1_000_000);
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
            long starting = System.nanoTime();
            edge.start();
            assertThat(Http.get(listen)).contains("hello from worker");
            System.out.printf("docker run to the first proxied response: %d ms%n", (System.nanoTime() - starting) / 1_000_000);

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
            // Read inside the container, as its user (shell built-ins only: the offline base has nothing else).
            Container.ExecResult maps = edge.execInContainer("sh", "-c",
                    "while read -r line; do case $line in *lib/shepherd.jsa*) echo mapped; exit 0;; esac; done < /proc/1/maps; exit 1");
            assertThat(maps.getStdout()).as("the class data sharing archive the image's build made, mapped by the edge: %s",
                    maps.getStderr()).contains("mapped");
            assertThat(logs.toUtf8String()).as("nothing for the JVM to warn about").doesNotContain("[cds");

            DockerClientFactory.instance().client().killContainerCmd(edge.getContainerId()).withSignal("HUP").exec();
            awaitLog(logs, "config reload from /opt/shepherd-");

            // A worker killed inside the container is respawned (the JVM, PID 1, reaps and respawns it).
            AdminClient api = new AdminClient(admin);
            long worker = api.workers().get(0).path("pid").asLong(); // as the container sees it
            Container.ExecResult kill = edge.execInContainer("sh", "-c", "kill -9 " + worker);
            assertThat(kill.getExitCode()).as("kill: %s", kill.getStderr()).isZero();
            awaitLog(logs, "killed by SIGKILL");
            long deadline = System.nanoTime() + START.toNanos();
            while (api.workersUp() < 2 || api.workers().stream().anyMatch(w -> w.path("pid").asLong() == worker)) {
                assertThat(System.nanoTime()).as("respawned within %s: %s", START, api.workers()).isLessThan(deadline);
                Thread.sleep(50);
            }

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

    @Test
    void aBrokenMountedConfigEndsTheContainerWithExit2AndItsOneLineError(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("shepherd.conf");
        Files.writeString(broken, "shepherd {\n  workers.count = many\n}\n");
        assertThat(broken.toFile().setReadable(true, false) && dir.toFile().setExecutable(true, false)).isTrue();
        Ran ran = ran(Map.of(), List.of("docker", "run", "--rm", "--network", "host", "-v", broken + ":/etc/shepherd/shepherd.conf:ro",
                "-e", "SHEPHERD_CONFIG=/etc/shepherd/shepherd.conf", IMAGE));
        assertThat(ran.code()).as("exit code; output:%n%s", ran.output()).isEqualTo(2);
        assertThat(ran.output()).contains("/etc/shepherd/shepherd.conf: 2: ").contains("shepherd.workers.count");
    }

    @Test
    void theSidecarLayoutOfComposeServesEveryAppInstanceThroughShepherdAndStopsCleanly() throws Exception {
        int listen = FreePort.reserve();
        int app1 = FreePort.reserve();
        int app2 = FreePort.reserve();
        Map<String, String> env = Map.of("SHEPHERD_IMAGE", IMAGE, "LISTEN_PORT", Integer.toString(listen),
                "ADMIN_PORT", Integer.toString(FreePort.reserve()), "APP_PORT_1", Integer.toString(app1),
                "APP_PORT_2", Integer.toString(app2));
        Assumptions.assumeTrue(onPath("docker-compose"), "docker-compose is not installed (apt-get install docker-compose; .ci/run does)");
        String project = "shepherd-it-" + ProcessHandle.current().pid();
        List<String> compose = List.of("docker-compose", "-f", "docker/compose.yaml", "-p", project);
        try {
            assertThat(ran(env, compose, "up", "-d").code()).isZero();
            Set<String> answers = new HashSet<>();
            long deadline = System.nanoTime() + START.toNanos();
            while (answers.size() < 2 && System.nanoTime() < deadline) {
                try {
                    String answer = Http.get(listen);
                    answers.add(answer.substring(answer.indexOf("worker app-"), answer.indexOf("worker app-") + "worker app-1".length()));
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertThat(answers).as("both instances, through the edge").containsExactlyInAnyOrder("worker app-1", "worker app-2");
            assertThat(ran(env, compose, "stop", "-t", "30").code()).isZero();
            // The demo app's JVM ends with 143 on SIGTERM; the edge with 0, a graceful stop.
            assertThat(ran(env, compose, "ps").output()).containsPattern(project + "_shepherd_1\\s+bin/shepherd run\\s+Exit 0\\b");
        } finally {
            ran(env, compose, "down", "-t", "5");
        }
    }

    private static boolean onPath(String program) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    private record Ran(int code, String output) {}

    /** Runs a command in the repository root with {@code env} added, within 2 minutes; its exit code and output. */
    private static Ran ran(Map<String, String> env, List<String> command, String... args) throws Exception {
        Process process = start(env, command, args);
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("%s %s within 2 minutes", command, List.of(args)).isTrue();
        System.out.print(out);
        return new Ran(process.exitValue(), out);
    }

    private static Process start(Map<String, String> env, List<String> command, String... args) throws IOException {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).directory(JavaProcess.ROOT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        return builder.start();
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
