package dev.shepherd.proxy.cli;

import java.util.Properties;

/**
 * Netty settings the edge runs with unless the command line sets them: no leak-detection sampling
 * on the traffic path (Netty's default samples one buffer in 128 and records where it was
 * touched). The test suite runs the detector at its strictest instead, so a leak fails a test; to
 * have it in production too: {@code java -Dio.netty.leakDetection.level=simple -jar shepherd.jar}.
 * Applied before any Netty class is loaded.
 */
final class NettyDefaults {
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    private NettyDefaults() {}

    static void applyTo(Properties properties) {
        if (properties.getProperty(LEAK_DETECTION) == null) {
            properties.setProperty(LEAK_DETECTION, "disabled");
        }
    }
}
