package dev.shepherd.proxy.operations;

import java.util.List;

/**
 * What a config reload did: the keys applied (with what applying them started, such as
 * {@code backends (+127.0.0.1:9003)}), the keys that only a restart of the edge applies, and what
 * became of the workers.
 *
 * @param workers what the workers' part did ({@code replaced 3 workers, one at a time}), empty if nothing
 */
public record ConfigReloaded(String file, List<String> applied, List<String> needRestart, String workers) {
    public ConfigReloaded {
        applied = List.copyOf(applied);
        needRestart = List.copyOf(needRestart);
    }
}
