package dev.shepherd.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigErrorsTest {

    @Test
    void aBadValueFromTheEnvironmentNamesItsConfigForceVariable() {
        ConfigException error = badValueFrom(ConfigFactory.parseMap(Map.of("shepherd.workers.first-port", "many"),
                "env variables"));
        assertThat(ConfigErrors.describe(error)).isEqualTo(
                "CONFIG_FORCE_shepherd_workers_first__port: Invalid value at 'shepherd.workers.first-port': must be in 1..65535");
    }

    @Test
    void aBadValueFromASystemPropertyNamesItsDashD() {
        ConfigException error = badValueFrom(ConfigFactory.parseMap(Map.of("shepherd.workers.first-port", "many"),
                "system properties"));
        assertThat(ConfigErrors.describe(error))
                .isEqualTo("-Dshepherd.workers.first-port: Invalid value at 'shepherd.workers.first-port': must be in 1..65535");
    }

    @Test
    void aFileThatEndsInsideABraceSaysSoBeforeTheParsersWords() {
        assertThatThrownBy(() -> ConfigFactory.parseString("shepherd {\n  listen {\n    port = 8080\n",
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription("shepherd.conf")))
                .isInstanceOfSatisfying(ConfigException.Parse.class, error -> assertThat(ConfigErrors.describe(error))
                        .startsWith("shepherd.conf: 4: syntax error (the file ends inside a { } or [ ]: is a closing brace or"
                                + " bracket missing?): "));
    }

    @Test
    void anErrorInTheFileIsLeftAsItIs() {
        ConfigException error = badValueFrom(ConfigFactory.parseString("shepherd.workers.first-port = many",
                ConfigParseOptions.defaults().setOriginDescription("shepherd.conf")));
        assertThat(ConfigErrors.describe(error)).isEqualTo(error.getMessage()).startsWith("shepherd.conf: 1: Invalid value");
    }

    private static ConfigException badValueFrom(com.typesafe.config.Config config) {
        return new ConfigException.BadValue(config.getValue("shepherd.workers.first-port").origin(), "shepherd.workers.first-port",
                "must be in 1..65535");
    }
}
