package dev.shepherd.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NettyDefaultsTest {

    @ParameterizedTest(name = "{0} is {1} unless the command line says {2}")
    @CsvSource({
        "io.netty.leakDetection.level, disabled, paranoid",
        "io.netty.allocator.type, pooled, adaptive",
        "io.netty.jfr.enabled, false, true",
    })
    void eachNettyDefaultHoldsUnlessTheCommandLineSetsIt(String key, String byDefault, String asked) {
        Properties none = new Properties();
        NettyDefaults.applyTo(none);
        assertThat(none.getProperty(key)).isEqualTo(byDefault);

        Properties given = new Properties();
        given.setProperty(key, asked);
        NettyDefaults.applyTo(given);
        assertThat(given.getProperty(key)).isEqualTo(asked);
    }
}
