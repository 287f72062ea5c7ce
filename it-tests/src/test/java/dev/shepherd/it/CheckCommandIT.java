package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CheckCommandIT {
    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Each file is {@code shepherd {}, two valid lines, the broken part from line 4, and the closing brace. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        bad port        | `listen.port = 70000`                    | 4: Invalid value at 'shepherd.listen.port': must be in 1..65535, got 70000
        unknown balance | `balance = random`                       | 4: Invalid value at 'shepherd.balance': must be one of round-robin, least-connections, got 'random'
        negative check  | `health-check {\n    interval = -2s\n  }` | 5: Invalid value at 'shepherd.health-check.interval': must be a duration > 0 with a unit, such as 2s, got '-2s'
        count many      | `workers.count = many`                   | 4: Invalid value at 'shepherd.workers.count': must be "auto" or an integer >= 0, got 'many'
        duration soon   | `connect-timeout = soon`                 | 4: Invalid value at 'shepherd.connect-timeout': No number in duration value 'soon'
        syntax error    | `listen {\n    port = 8080`              | 7: syntax error (the file ends inside a { } or [ ]: is a closing brace or bracket missing?): expecting a close parentheses ')' here, not: end of file
        unknown key     | `helth-check.interval = 2s`              | 4: Unknown key 'shepherd.helth-check.interval'; did you mean 'shepherd.health-check.interval'?
        """)
    void aBrokenFileFailsWithOneLineNamingFileLineAndKey(String name, String broken, String expected) throws Exception {
        Path file = dir.resolve(name.replace(' ', '-') + ".conf");
        Files.writeString(file, "shepherd {\n  workers.count = 0\n  backends = [\"127.0.0.1:9001\"]\n"
                + "  " + broken.replace("\\n", "\n") + "\n}\n");
        try (JavaProcess check = JavaProcess.shepherd(List.of(), "check", "-c", file.toString())) {
            assertThat(check.awaitExit(EXIT)).isEqualTo(2);
            assertThat(check.lines()).containsExactly(file + ": " + expected);
        }
    }

    @Test
    void theShippedConfigsAreValidAndSummarised() throws Exception {
        for (String conf : List.of("conf/shepherd.conf", "conf/sidecar.conf")) {
            try (JavaProcess check = JavaProcess.shepherd(List.of(), "check", "-c", conf)) {
                assertThat(check.awaitExit(EXIT)).as(conf).isEqualTo(0);
                assertThat(check.lines().get(0)).isEqualTo(conf + ": OK");
                assertThat(String.join("\n", check.lines())).contains("listen          0.0.0.0:8080");
            }
        }
    }

    @Test
    void whatWouldFailAtStartIsFoundWithoutStartingAnythingAndExits1() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int held = taken.getLocalPort();
            Path file = dir.resolve("would-fail.conf");
            Files.writeString(file, "shepherd {\n  listen { host = \"127.0.0.1\", port = " + held + " }\n"
                    + "  admin { host = \"0.0.0.0\", port = " + FreePort.reserve() + ", token = \"t\" }\n"
                    + "  workers { count = 1, first-port = " + FreePort.reserve() + ", command = [\"no-such-program-x\"] }\n}\n");
            try (JavaProcess check = JavaProcess.shepherd(List.of(), "check", "-c", file.toString())) {
                assertThat(check.awaitExit(EXIT)).as(String.join("\n", check.lines())).isEqualTo(1);
                assertThat(check.lines().get(0)).isEqualTo(file + ": valid settings, but the edge would not start");
                assertThat(check.lines()).anyMatch(line -> line.startsWith("error: listen.port: 127.0.0.1:" + held
                        + " cannot be bound: Address already in use (held by pid " + ProcessHandle.current().pid() + " ("))
                        .anyMatch(line -> line.startsWith("error: workers.command: 'no-such-program-x' is not found on the PATH"))
                        .anyMatch(line -> line.startsWith("warning: admin.host 0.0.0.0 is not a loopback address"));
            }
        }
    }

    @Test
    void aTransportThatDoesNotLoadHereIsFoundAsRunWouldFindIt() throws Exception {
        Path file = dir.resolve("epoll.conf");
        Files.writeString(file, "shepherd {\n  transport = \"epoll\"\n  listen { host = \"127.0.0.1\", port = "
                + FreePort.reserve() + " }\n  admin.port = " + FreePort.reserve() + "\n  backends = [\"127.0.0.1:9\"]\n}\n");
        List<String> noNative = List.of("-Dio.netty.transport.noNative=true");
        String why = "epoll does not load here: Native transport was explicit disabled with -Dio.netty.transport.noNative=true"
                + " (transport = auto picks one that does)";
        try (JavaProcess check = JavaProcess.shepherd(noNative, "check", "-c", file.toString())) {
            assertThat(check.awaitExit(EXIT)).as(String.join("\n", check.lines())).isEqualTo(1);
            assertThat(check.lines()).contains(file + ": valid settings, but the edge would not start", "error: transport: " + why);
        }
        try (JavaProcess run = JavaProcess.shepherd(noNative, "run", "-c", file.toString())) {
            assertThat(run.awaitExit(EXIT)).as(String.join("\n", run.lines())).isEqualTo(1);
            assertThat(run.lines()).contains("shepherd: transport = " + why);
        }
    }

    @Test
    void aBadValueFromAConfigForceVariableNamesTheVariable() throws Exception {
        try (JavaProcess check = JavaProcess.shepherd(Map.of("CONFIG_FORCE_shepherd_listen_port", "70000"), List.of(),
                "check", "-c", "conf/sidecar.conf")) {
            assertThat(check.awaitExit(EXIT)).isEqualTo(2);
            assertThat(check.lines()).containsExactly(
                    "CONFIG_FORCE_shepherd_listen_port: Invalid value at 'shepherd.listen.port': must be in 1..65535, got 70000");
        }
    }

    @Test
    void aJvmOptionAfterDashJarSaysWhereJvmOptionsGo() throws Exception {
        try (JavaProcess check = JavaProcess.shepherd(List.of(), "check", "-c", "conf/sidecar.conf", "-Dshepherd.listen.port=8081")) {
            assertThat(check.awaitExit(EXIT)).isEqualTo(2);
            assertThat(check.lines()).containsExactly("shepherd: -Dshepherd.listen.port=8081 is a JVM option, and JVM options go"
                    + " before -jar: java -Dshepherd.listen.port=8081 -jar shepherd.jar ... (or set it as a CONFIG_FORCE_ variable;"
                    + " bin/shepherd reads SHEPHERD_JAVA_OPTS)");
        }
    }

    @Test
    void explainSaysWhereEachSettingCameFrom() throws Exception {
        try (JavaProcess check = JavaProcess.shepherd(Map.of("CONFIG_FORCE_shepherd_connect__timeout", "7s"),
                List.of("-Dshepherd.listen.port=8123"), "check", "--explain", "-c", "conf/sidecar.conf")) {
            assertThat(check.awaitExit(EXIT)).as(String.join("\n", check.lines())).isZero();
            assertThat(check.lines()).contains(
                    "  shepherd.listen.port = \"8123\"  (-Dshepherd.listen.port)",
                    "  shepherd.connect-timeout = \"7s\"  (CONFIG_FORCE_shepherd_connect__timeout)",
                    "  shepherd.workers.count = 0  (conf/sidecar.conf: 12)",
                    "  shepherd.idle-timeout = \"1h\"  (default)",
                    "  shepherd.admin.token = \"\"  (default)");
        }
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        try (JavaProcess check = JavaProcess.shepherd(List.of(), "check", "-c", "no/such.conf")) {
            assertThat(check.awaitExit(EXIT)).isEqualTo(2);
            assertThat(check.lines()).containsExactly("no/such.conf: no such file");
        }
    }

    @Test
    void aSystemPropertyOverridesTheFile() throws Exception {
        try (JavaProcess check = JavaProcess.shepherd(List.of("-Dshepherd.listen.port=8181"), "check", "-c", "conf/sidecar.conf")) {
            assertThat(check.awaitExit(EXIT)).isEqualTo(0);
            assertThat(check.lines()).contains("  listen          0.0.0.0:8181");
        }
    }

    @Test
    void anEnvironmentVariableOverridesTheFileAndASystemPropertyOverridesBoth() throws Exception {
        Map<String, String> env = Map.of("CONFIG_FORCE_shepherd_listen_port", "8282",
                "CONFIG_FORCE_shepherd_connect__timeout", "5s");
        try (JavaProcess check = JavaProcess.shepherd(env, List.of(), "check", "-c", "conf/sidecar.conf")) {
            assertThat(check.awaitExit(EXIT)).isEqualTo(0);
            assertThat(check.lines()).contains("  listen          0.0.0.0:8282");
            assertThat(check.lines()).anyMatch(line -> line.contains("connect-timeout 5s"));
        }
        try (JavaProcess check = JavaProcess.shepherd(env, List.of("-Dshepherd.listen.port=8383"), "check", "-c", "conf/sidecar.conf")) {
            assertThat(check.awaitExit(EXIT)).isEqualTo(0);
            assertThat(check.lines()).contains("  listen          0.0.0.0:8383");
        }
    }

    @Test
    void theConfigOptionWorksBeforeAndAfterTheCommandName() throws Exception {
        for (List<String> args : List.of(List.of("check", "-c", "conf/sidecar.conf"), List.of("-c", "conf/sidecar.conf", "check"))) {
            try (JavaProcess check = JavaProcess.shepherd(List.of(), args.toArray(String[]::new))) {
                assertThat(check.awaitExit(EXIT)).as(args.toString()).isEqualTo(0);
                assertThat(check.lines().get(0)).as(args.toString()).isEqualTo("conf/sidecar.conf: OK");
            }
        }
    }

    @Test
    void aFractionFromASystemPropertyIsRejected() throws Exception {
        try (JavaProcess check = JavaProcess.shepherd(List.of("-Dshepherd.connect-attempts=2.7"), "check", "-c", "conf/sidecar.conf")) {
            assertThat(check.awaitExit(EXIT)).isEqualTo(2);
            assertThat(check.lines()).containsExactly(
                    "-Dshepherd.connect-attempts: Invalid value at 'shepherd.connect-attempts': must be a whole number, got 2.7");
        }
    }

    @Test
    void versionAndHelpWorkOnEveryCommand() throws Exception {
        try (JavaProcess version = JavaProcess.shepherd(List.of(), "--version")) {
            assertThat(version.awaitExit(EXIT)).isEqualTo(0);
            assertThat(version.lines()).singleElement().asString().matches("shepherd \\d+\\.\\d+\\.\\d+.*");
        }
        for (List<String> args : List.of(List.of("--help"), List.of("run", "--help"), List.of("check", "--help"))) {
            try (JavaProcess help = JavaProcess.shepherd(List.of(), args.toArray(String[]::new))) {
                assertThat(help.awaitExit(EXIT)).as(args.toString()).isEqualTo(0);
                assertThat(help.lines().get(0)).as(args.toString()).startsWith("Usage: shepherd");
            }
        }
    }
}
