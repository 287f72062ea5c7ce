package dev.shepherd.proxy.cli;

import java.util.Properties;

/**
 * Netty settings the edge runs with unless the command line sets them. Applied before any Netty
 * class is loaded.
 * <ul>
 * <li>No leak-detection sampling on the traffic path (Netty's default samples one buffer in 128 and
 * records where it was touched; the test suite runs the detector at its strictest instead, so a
 * leak fails a test; to have it in production too: {@code java -Dio.netty.leakDetection.level=simple
 * -jar shepherd.jar}).</li>
 * <li>The pooled allocator, Netty 4.1's default, rather than 4.2's adaptive one (epoll, quick runs
 * of it-tests/bench, 2026-12-01: 49.8 us of user CPU per proxied connection against 65.2, an idle
 * connection 2.60 KB against 2.97, rates within 3 %).</li>
 * <li>No JFR events from Netty's allocators: registering them with the JVM's flight recorder at the
 * first buffer (JFR's set-up, classes generated with ASM and compiled) cost the edge 200-400 ms of
 * CPU at start-up, on the path of the first proxied response (it-tests/bench/RESULTS.md, Start-up).
 * To record them: {@code java -Dio.netty.jfr.enabled=true -jar shepherd.jar}.</li>
 * </ul>
 */
final class NettyDefaults {
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";
    static final String ALLOCATOR = "io.netty.allocator.type";
    static final String JFR_EVENTS = "io.netty.jfr.enabled";

    private NettyDefaults() {}

    static void applyTo(Properties properties) {
        properties.putIfAbsent(LEAK_DETECTION, "disabled");
        properties.putIfAbsent(ALLOCATOR, "pooled");
        properties.putIfAbsent(JFR_EVENTS, "false");
    }
}
