package dev.shepherd.proxy.config;

import java.util.Locale;

/** How an enum constant is written in the settings, the summary and the logs: {@code LEAST_CONNECTIONS} is {@code least-connections}. */
public final class ConfigNames {
    private ConfigNames() {}

    public static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
