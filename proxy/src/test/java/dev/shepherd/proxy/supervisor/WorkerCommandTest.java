package dev.shepherd.proxy.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.worker.demo.DemoWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerCommandTest {

    @Test
    void theUsersCommandIsTakenAsItIsWithItsPlaceholdersFilledPerInstance() {
        WorkerCommand command = WorkerCommand.of(List.of("./app", "--port={port}", "--name=w{id}"));
        assertThat(command.fromSettings()).isTrue();
        assertThat(command.forInstance("2", 9003)).containsExactly("./app", "--port=9003", "--name=w2");
    }

    @Test
    void theDemoWorkersArchiveBelongsBesideShepherdsJarNamedForThisJvmAndNowhereForAClassesDirectory(@TempDir Path dir) {
        assertThat(WorkerCommand.demoArchive(dir.resolve("lib/shepherd.jar")))
                .contains(dir.resolve("lib/demo-worker-" + Runtime.version() + ".jsa"));
        assertThat(WorkerCommand.demoArchive(dir.resolve("target/classes"))).isEmpty();
    }

    @Test
    void theDemoWorkerRunsShepherdsOwnClassesWithTheOptionsGivenBeforeItsClassPath(@TempDir Path dir) throws Exception {
        Path jar = Files.createFile(dir.resolve("shepherd.jar"));
        List<String> argv = WorkerCommand.demo(jar, List.of("-XX:SharedArchiveFile=" + dir.resolve("demo-worker.jsa")));
        assertThat(argv.get(0)).endsWith("java");
        assertThat(argv.subList(1, argv.size())).containsExactly("-Xmx64m", "-XX:+UseSerialGC",
                "-XX:SharedArchiveFile=" + dir.resolve("demo-worker.jsa"), "-cp", jar.toString(), DemoWorker.class.getName());
    }

    @Test
    void theDemoCommandMapsNoArchiveWhereNoneWasMade() {
        // Here the demo worker's classes are worker-runtime's build output, beside which no archive is made.
        WorkerCommand demo = WorkerCommand.of(List.of());
        assertThat(demo.fromSettings()).isFalse();
        assertThat(demo.argv()).noneMatch(arg -> arg.startsWith("-XX:SharedArchiveFile"))
                .endsWith(DemoWorker.class.getName());
    }

    @Test
    void inTrainingTheDemoWorkerArchivesTheClassesItLoadedAsItExits(@TempDir Path dir) {
        Path archive = dir.resolve("demo-worker.jsa");
        System.setProperty(WorkerCommand.TRAINING_PROPERTY, archive.toString());
        try {
            assertThat(WorkerCommand.of(List.of()).argv()).contains("-XX:ArchiveClassesAtExit=" + archive)
                    .noneMatch(arg -> arg.startsWith("-XX:SharedArchiveFile"));
        } finally {
            System.clearProperty(WorkerCommand.TRAINING_PROPERTY);
        }
    }
}
