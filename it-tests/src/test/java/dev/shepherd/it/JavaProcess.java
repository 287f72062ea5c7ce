package dev.shepherd.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM started from the real shepherd.jar, its stdout and stderr collected line by line. */
final class JavaProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("shepherd.jar", "../proxy/target/shepherd.jar")).toAbsolutePath().normalize();
    static final Path ROOT = Path.of(System.getProperty("shepherd.root", "..")).toAbsolutePath().normalize();

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final Thread reader;

    private JavaProcess(Process process) {
        this.process = process;
        reader = new Thread(this::collect, "output-of-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code java [jvmArgs] -jar shepherd.jar [args]}, run in the repository root. */
    static JavaProcess shepherd(List<String> jvmArgs, String... args) throws IOException {
        return shepherd(Map.of(), jvmArgs, args);
    }

    /** -D options for an edge on 127.0.0.1:{@code listen}, its admin API on {@code adminPort}, {@code count} workers from {@code firstPort}. */
    static List<String> edgeOn(int listen, int adminPort, int count, int firstPort) {
        return List.of("-Dshepherd.listen.host=127.0.0.1", "-Dshepherd.listen.port=" + listen,
                "-Dshepherd.admin.port=" + adminPort, "-Dshepherd.workers.count=" + count,
                "-Dshepherd.workers.first-port=" + firstPort);
    }

    /** -D options that set {@code workers.command} to {@code command}, element by element. */
    static List<String> workersCommand(String... command) {
        List<String> options = new ArrayList<>();
        for (int i = 0; i < command.length; i++) {
            options.add("-Dshepherd.workers.command." + i + "=" + command[i]);
        }
        return options;
    }

    /** As {@link #shepherd(List, String...)}, with extra environment variables. */
    static JavaProcess shepherd(Map<String, String> env, List<String> jvmArgs, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m"));
        command.addAll(archiveUnlessGiven(jvmArgs));
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        return start(command, env);
    }

    /** The class data sharing archive mvn package made for the jar, as the README's command uses it. */
    static final Path ARCHIVE = JAR.resolveSibling("shepherd.jsa");

    /**
     * The README's {@code -XX:SharedArchiveFile} option, unless {@code jvmArgs} choose otherwise: a
     * {@code -XX:SharedArchiveFile} of their own, or {@code -Xshare:auto} (the JDK's archive alone).
     */
    private static List<String> archiveUnlessGiven(List<String> jvmArgs) {
        boolean chosen = jvmArgs.stream().anyMatch(arg -> arg.startsWith("-XX:SharedArchiveFile") || arg.startsWith("-Xshare"));
        return chosen || !Files.isRegularFile(ARCHIVE) ? List.of() : List.of("-XX:SharedArchiveFile=" + ARCHIVE);
    }

    /** As {@link #shepherd(List, String...)}, with the process's open-file limit lowered to {@code maxOpenFiles}. */
    static JavaProcess shepherdWithFileLimit(int maxOpenFiles, List<String> jvmArgs, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$@\"", "bash",
                java(), "-Xmx256m"));
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        return start(command, Map.of());
    }

    /** User plus system CPU time the process has used so far, in clock ticks (1/100 s on Linux). */
    long cpuTicks() throws IOException {
        String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The demo worker from shepherd.jar on 127.0.0.1:{@code port}. */
    static JavaProcess demoWorker(String id, int port) throws IOException {
        return start(List.of(java(), "-Xmx64m", "-cp", JAR.toString(), "dev.shepherd.worker.demo.DemoWorker"),
                Map.of("SHEPHERD_WORKER_ID", id, "SHEPHERD_WORKER_PORT", Integer.toString(port)));
    }

    /** {@link PlainHttpServer} on 127.0.0.1:{@code port}, answering with {@code name}. */
    static JavaProcess plainHttpServer(int port, String name) throws IOException {
        return start(List.of(java(), "-Xmx64m", "-cp", testClasses(), PlainHttpServer.class.getName(), "--port=" + port),
                Map.of("APP_NAME", name));
    }

    private static JavaProcess start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        return new JavaProcess(builder.start());
    }

    /** The test classes directory, for worker programs written as tests (SilentWorker, FlakyHealthWorker). */
    static String testClasses() {
        try {
            return Path.of(JavaProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The java binary running the tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void collect() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                    output.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    /** Waits until a line containing {@code text} is printed; fails with everything printed so far. */
    String awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (true) {
                for (String line : output) {
                    if (line.contains(text)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no line containing '" + text + "' within " + timeout + "; output:\n"
                            + String.join("\n", output));
                }
                TimeUnit.NANOSECONDS.timedWait(output, left);
            }
        }
    }

    /**
     * Waits for the process to exit and returns its exit code; fails if it does not exit in time. Its
     * last lines are in {@link #lines()} when this returns: the reader has reached the end of the pipe.
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "; output:\n" + String.join("\n", lines()));
        }
        // A child that inherited the pipe could hold it open past the exit: the wait is bounded.
        reader.join(5_000);
        return process.exitValue();
    }

    /** Everything printed so far. */
    List<String> lines() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** Sends a signal by name, e.g. "TERM" or "INT". */
    void signal(String name) throws IOException, InterruptedException {
        int code = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        if (code != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " exited " + code);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
