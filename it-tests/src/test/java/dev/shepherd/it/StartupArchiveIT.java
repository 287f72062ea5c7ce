package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class data sharing archive {@code mvn package} makes for the jar (StartupTraining): the
 * README's command maps it, the edge's classes come from it, and the JVM has nothing to warn about.
 * Prints the start-up to the first proxied response with the archive and without it.
 */
class StartupArchiveIT {
    private static final Path ARCHIVE = JavaProcess.ARCHIVE;

    @Test
    void theEdgeStartedAsTheReadmeSaysLoadsItsClassesFromTheArchiveThatMvnPackageMade(@TempDir Path dir) throws Exception {
        assertThat(ARCHIVE).as("made by mvn package").isRegularFile();
        Path loaded = dir.resolve("classes.log");

        long withArchive = firstResponseMillis(List.of("-XX:SharedArchiveFile=" + ARCHIVE, "-XX:+UseSerialGC",
                "-Xlog:class+load=info:file=" + loaded), lines -> assertThat(lines).noneMatch(line -> line.contains("[cds")));
        long without = firstResponseMillis(List.of("-Xshare:auto", "-XX:+UseSerialGC"), lines -> { }); // the JDK's archive alone
        System.out.printf("start-up to the first proxied response through 2 demo workers: %d ms with the archive, %d ms without%n",
                withArchive, without);

        List<String> edgeClasses = Files.readAllLines(loaded).stream()
                .filter(line -> line.contains(" dev.shepherd.proxy.Edge ") || line.contains(" io.netty.channel.epoll.EpollIoHandler ")
                        || line.contains(" com.typesafe.config.ConfigFactory "))
                .toList();
        assertThat(edgeClasses).hasSize(3).allMatch(line -> line.contains("source: shared objects file (top)"));
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
