package dev.shepherd.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SettingsDiffTest {

    @Test
    void sameSettingsDifferInNothing() {
        assertThat(SettingsDiff.between(TestSettings.parse(""), TestSettings.parse(""))).isEmpty();
    }

    @Test
    void changedKeysAreNamedAsInTheFileInTheSettingsOrder() {
        ShepherdSettings running = TestSettings.parse("");
        ShepherdSettings next = TestSettings.parse("""
                shepherd {
                connect-timeout = 7s
                workers { count = 5, restart.max-delay = 9s, env { A = b } }
                health-check { interval = 9s, error-limit = 2 }
                listen.port = 8111
                backends = ["127.0.0.1:9001"]
                }
                """);
        assertThat(SettingsDiff.between(running, next)).containsExactly("listen.port", "connect-timeout",
                "workers.count", "workers.env", "workers.restart.max-delay", "backends", "health-check.interval",
                "health-check.error-limit");
    }

    @Test
    void theAdminAddressIsNamedByItsOwnKeysAndTheTokenNeverByItsValue() {
        ShepherdSettings running = TestSettings.parse("");
        ShepherdSettings next = TestSettings.parse(
                "shepherd.admin { host = \"127.0.0.2\", port = 9911, token = \"s3cret-token\" }");
        assertThat(SettingsDiff.between(running, next)).containsExactly("admin.host", "admin.port", "admin.token");
    }
}
