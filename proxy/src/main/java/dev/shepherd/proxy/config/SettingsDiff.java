package dev.shepherd.proxy.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The keys whose values differ between two settings, named as in the file ({@code workers.count},
 * {@code health-check.interval}, {@code listen.port}), in the settings' order. Never the values:
 * {@code admin.token} is a secret.
 */
public final class SettingsDiff {
    private SettingsDiff() {}

    public static List<String> between(ShepherdSettings running, ShepherdSettings next) {
        List<String> changed = new ArrayList<>();
        compare("", running, next, changed);
        return changed;
    }

    private static void compare(String prefix, Record running, Record next, List<String> changed) {
        for (RecordComponent component : running.getClass().getRecordComponents()) {
            Object was = value(component, running);
            Object now = value(component, next);
            if (Objects.equals(was, now)) {
                continue;
            }
            String name = keyOf(component.getName());
            if (was instanceof Record wasRecord && now instanceof Record nowRecord) {
                // admin.listen is written admin.host and admin.port
                String nested = component.getType() == ListenSpec.class && !prefix.isEmpty() ? prefix : prefix + name + ".";
                compare(nested, wasRecord, nowRecord, changed);
            } else {
                changed.add(prefix + name);
            }
        }
    }

    /** {@code connectTimeout} → {@code connect-timeout}, {@code healthCheck} → {@code health-check}. */
    private static String keyOf(String component) {
        return component.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static Object value(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + record.getClass().getSimpleName(), e);
        }
    }
}
