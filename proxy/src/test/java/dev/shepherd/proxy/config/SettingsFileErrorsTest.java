package dev.shepherd.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failure reading a file is one line: the file, the line, the key and what is wrong. */
class SettingsFileErrorsTest {

    @TempDir
    Path dir;

    private Path file;

    private Path write(String hocon) throws IOException {
        file = dir.resolve("shepherd.conf");
        Files.writeString(file, hocon);
        return file;
    }

    private static ShepherdSettings load(Path path) {
        return new SettingsLoader(2).load(path);
    }

    @Test
    void portAbove65535IsRejectedWithFileLineAndKey() throws IOException {
        Path path = write("""
                shepherd {
                  listen {
                    port = 70000
                  }
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage(file + ": 3: Invalid value at 'shepherd.listen.port': must be in 1..65535, got 70000");
    }

    @Test
    void unknownBalanceIsRejectedWithFileLineKeyAndTheAllowedValues() throws IOException {
        Path path = write("""
                shepherd {
                  workers.count = 0
                  backends = ["127.0.0.1:1"]
                  balance = "random"
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage(file + ": 4: Invalid value at 'shepherd.balance': "
                        + "must be one of round-robin, least-connections, got 'random'");
    }

    @Test
    void negativeHealthCheckIntervalIsRejectedWithFileLineAndKey() throws IOException {
        Path path = write("""
                shepherd {
                  workers.count = 0
                  backends = ["127.0.0.1:1"]
                  health-check {
                    interval = -2s
                  }
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage(file + ": 5: Invalid value at 'shepherd.health-check.interval': "
                        + "must be a duration > 0 with a unit, such as 2s, got '-2s'");
    }

    @Test
    void workerCountThatIsNeitherAutoNorANumberIsRejectedWithFileLineAndKey() throws IOException {
        Path path = write("""
                shepherd {
                  workers.count = many
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage(file + ": 2: Invalid value at 'shepherd.workers.count': "
                        + "must be \"auto\" or an integer >= 0, got 'many'");
    }

    @Test
    void durationWithoutANumberIsRejectedWithFileLineAndKey() throws IOException {
        Path path = write("""
                shepherd {
                  workers.count = 0
                  backends = ["127.0.0.1:1"]
                  connect-timeout = soon
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage(file + ": 4: Invalid value at 'shepherd.connect-timeout': No number in duration value 'soon'");
    }

    @Test
    void syntaxErrorNamesTheFileAndTheLine() throws IOException {
        Path path = write("""
                shepherd {
                  workers.count = 0
                  balance = "round-robin
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.Parse.class)
                .hasMessageStartingWith(file + ": 3: ")
                .hasMessageContaining("unescaped newline in quoted strings");
    }

    @Test
    void missingFileIsRejectedNamingTheFile() {
        Path missing = dir.resolve("absent.conf");

        assertThatThrownBy(() -> load(missing))
                .isInstanceOf(ConfigException.IO.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void directoryInPlaceOfTheFileIsRejectedNamingIt() {
        assertThatThrownBy(() -> load(dir))
                .isInstanceOf(ConfigException.IO.class)
                .hasMessage(dir + ": no such file");
    }

    @Test
    void misspelledSectionIsRejectedWithItsLineAndTheKeyMeant() throws IOException {
        Path path = write("""
                shepherd {
                  workers.count = 0
                  backends = ["127.0.0.1:1"]
                  helth-check { interval = 2s }
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": 4: Unknown key 'shepherd.helth-check.interval'; "
                        + "did you mean 'shepherd.health-check.interval'?");
    }

    @Test
    void misspelledTopLevelKeyIsRejectedWithItsLineAndTheKeyMeant() throws IOException {
        Path path = write("""
                shepherd {
                  listn.port = 8081
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": 2: Unknown key 'shepherd.listn.port'; did you mean 'shepherd.listen.port'?");
    }

    @Test
    void backendWithoutPortIsRejectedWithTheLineOfThatEntry() throws IOException {
        Path path = write("""
                shepherd {
                  workers.count = 0
                  backends = [
                    "127.0.0.1:9001"
                    "localhost"
                  ]
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage(file + ": 5: Invalid value at 'shepherd.backends': 'localhost' is not host:port");
    }

    @Test
    void anUnknownPlaceholderInTheCommandIsRejectedAtItsLine() throws IOException {
        Path path = write("""
                shepherd {
                  workers {
                    command = [
                      "java", "-jar", "app.jar",
                      "--server.port={prot}"
                    ]
                  }
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage(file + ": 5: Invalid value at 'shepherd.workers.command': unknown placeholder {prot} in "
                        + "'--server.port={prot}': only {port} and {id} (write {{ and }} for literal braces)");
    }

    @Test
    void aLoneBraceInAnEnvValueIsRejectedAtItsKey() throws IOException {
        Path path = write("""
                shepherd {
                  workers.env {
                    SERVER_PORT = "{port}"
                    JSON = "{"
                  }
                }
                """);

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage(file + ": 4: Invalid value at 'shepherd.workers.env.JSON': a '{' with no placeholder at character 1"
                        + " of '{': write {{ for a literal brace");
    }

    @Test
    void aWorkersDirectoryThatDoesNotExistIsRejected() throws IOException {
        Path path = write("shepherd.workers.directory = \"" + dir.resolve("nowhere") + "\"\n");

        assertThatThrownBy(() -> load(path))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage(file + ": 1: Invalid value at 'shepherd.workers.directory': no such directory: " + dir.resolve("nowhere"));
        Files.writeString(path, "shepherd.workers.directory = \"" + dir + "\"\n");
        assertThat(load(path).workers().directory()).isEqualTo(dir);
    }
}
