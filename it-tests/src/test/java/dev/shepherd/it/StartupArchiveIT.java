package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class data sharing archives {@code mvn package} makes for the jar (StartupTraining): the
 * README's command maps the edge's, the edge's classes come from it, each demo worker maps its
 * own, and no JVM has anything to warn about.
 * Prints the start-up to the first proxied response with the archive and without it.
 */
class StartupArchiveIT {
    private static final Path ARCHIVE = JavaProcess.ARCHIVE;
    private static final Path DEMO_ARCHIVE = ARCHIVE.resolveSibling("demo-worker-" + Runtime.version() + ".jsa");
    private static final Pattern WORKER_STARTED = Pattern.compile("worker \\d+ started: pid (\\d+)");

    @Test
    void theEdgeStartedAsTheReadmeSaysLoadsItsClassesFromTheArchiveThatMvnPackageMade(@TempDir Path dir) throws Exception {
        assertThat(ARCHIVE).as("made by mvn package").isRegularFile();
        Path loaded = dir.resolve("classes.log");

        assertThat(DEMO_ARCHIVE).as("made by mvn package, with the edge's").isRegularFile();
        List<String> workerMaps = new ArrayList<>();
        long withArchive = firstResponseMillis(List.of("-XX:SharedArchiveFile=" + ARCHIVE, "-XX:+UseSerialGC",
                "-Xlog:class+load=info:file=" + loaded), lines -> {
                    // The JVMs of the edge and of its workers (their output is in the edge's) have nothing to say about it.
                    assertThat(lines).noneMatch(line -> line.contains("[cds") || line.contains("shared archive"));
                    workerMaps.addAll(workerPids(lines).stream().map(StartupArchiveIT::maps).toList());
                });
        // The JDK's archive alone, for the edge and for its demo workers (the demo's command, named, without its archive).
        List<String> withoutArchives = new ArrayList<>(List.of("-Xshare:auto", "-XX:+UseSerialGC"));
        List<String> plainDemo = List.of(JavaProcess.java(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", JavaProcess.JAR.toString(),
                "dev.shepherd.worker.demo.DemoWorker");
        for (int i = 0; i < plainDemo.size(); i++) {
            withoutArchives.add("-Dshepherd.workers.command." + i + "=" + plainDemo.get(i));
        }
        long without = firstResponseMillis(withoutArchives, lines -> { });
        System.out.printf("start-up to the first proxied response through 2 demo workers: %d ms with the archives, %d ms without%n",
                withArchive, without);

        List<String> edgeClasses = Files.readAllLines(loaded).stream()
                .filter(line -> line.contains(" dev.shepherd.proxy.Edge ") || line.contains(" io.netty.channel.epoll.EpollIoHandler ")
                        || line.contains(" com.typesafe.config.ConfigFactory "))
                .toList();
        assertThat(edgeClasses).hasSize(3).allMatch(line -> line.contains("source: shared objects file (top)"));
        assertThat(workerMaps).as("each demo worker maps its own archive").hasSize(2)
                .allMatch(maps -> maps.contains(DEMO_ARCHIVE.toString()));
    }

    /** The pids of the workers the edge started, from its log. */
    private static List<Long> workerPids(List<String> lines) {
        return lines.stream().map(WORKER_STARTED::matcher).filter(Matcher::find).map(m -> Long.parseLong(m.group(1))).toList();
    }

    private static String maps(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "maps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Milliseconds from the edge's launch to its first proxied 200; {@code output} is checked once it answered. */
    private static long firstResponseMillis(List<String> jvm, Consumer<List<String>> output) throws Exception {
        int listen = FreePort.reserve();
        List<String> options = new ArrayList<>(jvm);
        options.addAll(JavaProcess.edgeOn(listen, FreePort.reserve(), 2, FreePort.reserveRange(2)));
        long started = System.nanoTime();
        try (JavaProcess edge = JavaProcess.shepherd(options)) {
            long deadline = started + Duration.ofSeconds(60).toNanos();
            while (!answers(listen)) {
                assertThat(System.nanoTime()).as("a proxied answer within 60 s: %s", edge.lines()).isLessThan(deadline);
                Thread.sleep(10);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            output.accept(edge.lines());
            return millis;
        }
    }

    private static boolean answers(int port) {
        try {
            return Http.get(port).startsWith("HTTP/1.1 200");
        } catch (IOException notYet) {
            return false;
        }
    }
}
