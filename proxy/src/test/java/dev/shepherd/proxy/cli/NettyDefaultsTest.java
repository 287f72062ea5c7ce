package dev.shepherd.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class NettyDefaultsTest {

    @Test
    void leakDetectionIsOffUnlessTheCommandLineAsksForIt() {
        Properties none = new Properties();
        NettyDefaults.applyTo(none);
        assertThat(none.getProperty("io.netty.leakDetection.level")).isEqualTo("disabled");

        Properties asked = new Properties();
        asked.setProperty("io.netty.leakDetection.level", "paranoid");
        NettyDefaults.applyTo(asked);
        assertThat(asked.getProperty("io.netty.leakDetection.level")).isEqualTo("paranoid");
    }

    @Test
    void thePooledAllocatorUnlessTheCommandLineChoosesAnother() {
        Properties none = new Properties();
        NettyDefaults.applyTo(none);
        assertThat(none.getProperty("io.netty.allocator.type")).isEqualTo("pooled");

        Properties asked = new Properties();
        asked.setProperty("io.netty.allocator.type", "adaptive");
        NettyDefaults.applyTo(asked);
        assertThat(asked.getProperty("io.netty.allocator.type")).isEqualTo("adaptive");
    }
}
