package dev.shepherd.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.shepherd.proxy.balancer.BalanceType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JVM system properties over the user's file over reference.conf. */
class SettingsLayeringTest {

    private static final String PORT_PROPERTY = "shepherd.listen.port";

    @TempDir
    Path dir;

    private Path file(String keys) throws IOException {
        Path file = dir.resolve("shepherd.conf");
        Files.writeString(file, "shepherd {\n  " + TestSettings.SIDECAR + "\n  " + keys + "\n}\n");
        return file;
    }

    private static ShepherdSettings loadWithProperty(String key, String value, Path file) {
        System.setProperty(key, value);
        ConfigFactory.invalidateCaches();
        try {
            return new SettingsLoader(2).load(file);
        } finally {
            System.clearProperty(key);
            ConfigFactory.invalidateCaches();
        }
    }

    @Test
    void systemPropertyOverridesTheFile() throws IOException {
        Path file = file("listen.port = 8081");

        ShepherdSettings settings = loadWithProperty(PORT_PROPERTY, "8181", file);

        assertThat(settings.listen().port()).isEqualTo(8181);
    }

    @Test
    void systemPropertyIsGoneOnceCleared() throws IOException {
        Path file = file("listen.port = 8081");
        loadWithProperty(PORT_PROPERTY, "8181", file);

        assertThat(new SettingsLoader(2).load(file).listen().port()).isEqualTo(8081);
    }

    @Test
    void badSystemPropertyIsRejectedNamingItsKey() throws IOException {
        Path file = file("listen.port = 8081");

        assertThatThrownBy(() -> loadWithProperty(PORT_PROPERTY, "70000", file))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.listen.port': must be in 1..65535, got 70000");
    }

    @Test
    void misspelledSystemPropertyIsRejectedAsAnUnknownKey() throws IOException {
        Path file = file("");

        assertThatThrownBy(() -> loadWithProperty("shepherd.listen.prot", "8181", file))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("Unknown key 'shepherd.listen.prot'; did you mean 'shepherd.listen.port'?");
    }

    @Test
    void fileOverridesReferenceConf() throws IOException {
        Path file = file("connect-timeout = 5s, balance = least-connections, admin.port = 9901");

        ShepherdSettings settings = new SettingsLoader(2).load(file);

        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.balance()).isEqualTo(BalanceType.LEAST_CONNECTIONS);
        assertThat(settings.admin().listen().port()).isEqualTo(9901);
    }

    @Test
    void keysTheFileLeavesOutComeFromReferenceConf() throws IOException {
        ShepherdSettings settings = new SettingsLoader(2).load(file(""));

        assertThat(settings.listen()).isEqualTo(new ListenSpec("0.0.0.0", 8080));
        assertThat(settings.balance()).isEqualTo(BalanceType.ROUND_ROBIN);
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.connectAttempts()).isEqualTo(3);
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.maxConnections()).isEqualTo(10000);
        assertThat(settings.eventLoopThreads()).isEqualTo(2);
        assertThat(settings.workers().firstPort()).isEqualTo(9001);
        assertThat(settings.workers().restart().initialDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.workers().heartbeat().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.healthCheck().type()).isEqualTo(HealthCheckSettings.Type.TCP);
        assertThat(settings.healthCheck().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.admin()).isEqualTo(new AdminSettings(new ListenSpec("127.0.0.1", 9900), ""));
    }

    @Test
    void readWithoutAFileUsesReferenceConfDefaults() {
        ShepherdSettings settings = TestSettings.parse("shepherd { " + TestSettings.SIDECAR + " }");

        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.healthCheck().path()).isEqualTo("/health");
    }
}
