package dev.shepherd.proxy.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.shepherd.proxy.frontend.Transport;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads typed values and rejects bad ones with {@link ConfigException.BadValue}, whose message
 * names the file, the line and the key: {@code shepherd.conf: 7: Invalid value at 'shepherd.listen.port': ...}.
 */
final class ConfigReader {
    private static final String AUTO = "auto";

    private final Config config;

    ConfigReader(Config config) {
        this.config = config;
    }

    Config config() {
        return config;
    }

    String string(String path) {
        return config.getString(path);
    }

    String nonEmptyString(String path) {
        String value = config.getString(path);
        if (value.isBlank()) {
            throw bad(path, "must not be empty");
        }
        return value;
    }

    int port(String path) {
        return intInRange(path, 1, 65535);
    }

    int intInRange(String path, int min, int max) {
        int value = wholeNumber(path);
        if (value < min || value > max) {
            throw bad(path, "must be in " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    int intAtLeast(String path, int min) {
        int value = wholeNumber(path);
        if (value < min) {
            throw bad(path, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    double doubleAtLeast(String path, double min) {
        double value;
        try {
            value = config.getDouble(path);
        } catch (ConfigException.WrongType e) {
            throw bad(path, "must be a number >= " + min + ", got '" + config.getValue(path).unwrapped() + "'");
        }
        if (!(value >= min) || Double.isInfinite(value)) {
            throw bad(path, "must be a number >= " + min + ", got " + value);
        }
        return value;
    }

    /** {@code "auto"} (which becomes {@code auto}) or an integer >= {@code min}. */
    int intOrAuto(String path, int min, int auto) {
        ConfigValue value = config.getValue(path);
        if (value.valueType() == ConfigValueType.STRING && AUTO.equals(value.unwrapped())) {
            return auto;
        }
        if (value.valueType() != ConfigValueType.NUMBER && !isIntegerText(value)) {
            throw bad(path, "must be \"auto\" or an integer >= " + min + ", got '" + value.unwrapped() + "'");
        }
        return intAtLeast(path, min);
    }

    /** {@code "auto"} (which becomes {@code null}) or the transport of that name. */
    Transport transportOrAuto(String path) {
        String text = config.getString(path);
        if (AUTO.equals(text)) {
            return null;
        }
        Transport named = Transport.named(text);
        if (named == null) {
            throw bad(path, "must be one of auto, " + Arrays.stream(Transport.values()).map(Transport::configName)
                    .collect(Collectors.joining(", ")) + ", got '" + text + "'");
        }
        return named;
    }

    /** A power of two in bytes such as {@code 256KiB} or {@code 65536}, within [{@code min}, {@code max}]. */
    int powerOfTwoBytesInRange(String path, int min, int max) {
        long value;
        try {
            value = config.getBytes(path);
        } catch (ConfigException.BadValue | ConfigException.WrongType e) {
            throw bad(path, "must be a size such as 256KiB, got '" + config.getValue(path).unwrapped() + "'");
        }
        if (value < min || value > max || Long.bitCount(value) != 1) {
            throw bad(path, "must be a power of two in " + min + ".." + max + " bytes (such as 64KiB, 256KiB, 1MiB), got " + value);
        }
        return (int) value;
    }

    /** A size such as {@code 512MiB}, at least {@code min} bytes, or {@code off} (0). */
    long sizeOrOff(String path, long min) {
        if (config.getValue(path).unwrapped() instanceof String text && text.strip().equals("off")) {
            return 0;
        }
        long value;
        try {
            value = config.getBytes(path);
        } catch (ConfigException.BadValue | ConfigException.WrongType e) {
            throw bad(path, "must be a size such as 512MiB, or off, got '" + config.getValue(path).unwrapped() + "'");
        }
        if (value < min) {
            throw bad(path, "must be at least " + min / (1024 * 1024) + "MiB (or off), got " + value + " bytes");
        }
        return value;
    }

    Duration durationAtLeast(String path, Duration min) {
        Duration value = positiveDuration(path);
        if (value.compareTo(min) < 0) {
            throw bad(path, "must be at least " + min.toMillis() + "ms, got '" + config.getValue(path).unwrapped() + "'");
        }
        return value;
    }

    /** A duration >= 0 with a unit: {@code 0s} turns the feature off. */
    Duration nonNegativeDuration(String path) {
        Duration value = config.getDuration(path);
        Object text = config.getValue(path).unwrapped();
        if (value.isNegative() || !hasUnit(text)) {
            throw bad(path, "must be a duration >= 0 with a unit, such as 5s or 0s, got '" + text + "'");
        }
        return value;
    }

    Duration positiveDuration(String path) {
        Duration value = config.getDuration(path);
        Object text = config.getValue(path).unwrapped();
        if (value.isNegative() || value.isZero() || !hasUnit(text)) {
            throw bad(path, "must be a duration > 0 with a unit, such as 2s, got '" + text + "'");
        }
        return value;
    }

    /** A value of {@code type} written in kebab-case: {@code least-connections} for {@code LEAST_CONNECTIONS}. */
    <E extends Enum<E>> E oneOf(String path, Class<E> type) {
        String text = config.getString(path);
        for (E constant : type.getEnumConstants()) {
            if (ConfigNames.of(constant).equals(text)) {
                return constant;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants()).map(ConfigNames::of).collect(Collectors.joining(", "));
        throw bad(path, "must be one of " + allowed + ", got '" + text + "'");
    }

    /** A list of values of {@code type} in kebab-case, each at most once; {@code []} is the empty set. */
    <E extends Enum<E>> Set<E> setOf(String path, Class<E> type) {
        Set<E> set = EnumSet.noneOf(type);
        for (ConfigValue value : config.getList(path)) {
            String text = value.valueType() == ConfigValueType.STRING ? (String) value.unwrapped() : value.render();
            E constant = Arrays.stream(type.getEnumConstants()).filter(c -> ConfigNames.of(c).equals(text)).findFirst()
                    .orElseThrow(() -> new ConfigException.BadValue(value.origin(), path, "each entry must be one of "
                            + Arrays.stream(type.getEnumConstants()).map(ConfigNames::of).collect(Collectors.joining(", "))
                            + ", got '" + text + "'"));
            if (!set.add(constant)) {
                throw new ConfigException.BadValue(value.origin(), path, "lists '" + text + "' twice");
            }
        }
        return set;
    }

    /** An int, refusing a fraction such as 2.5 that getInt would silently cut to 2. */
    private int wholeNumber(String path) {
        int value = config.getInt(path);
        Number number = config.getNumber(path); // as getInt reads it, "2.5" from a system property included
        if (number.doubleValue() != value) {
            throw bad(path, "must be a whole number, got " + number);
        }
        return value;
    }

    /**
     * A bad combination of two keys, reported at the one the user set: {@code path} unless only
     * {@code otherPath} comes from the user's side (not reference.conf).
     */
    ConfigException.BadValue badPair(String path, String otherPath, String why) {
        boolean pathIsDefault = isDefault(path);
        return bad(pathIsDefault && !isDefault(otherPath) ? otherPath : path, why);
    }

    private boolean isDefault(String path) {
        return "reference.conf".equals(config.getValue(path).origin().resource());
    }

    ConfigException.BadValue bad(String path, String why) {
        return new ConfigException.BadValue(config.getValue(path).origin(), path, why);
    }

    /** typesafe-config would read a bare number such as {@code 30} as milliseconds; reference.conf promises a unit. */
    private static boolean hasUnit(Object duration) {
        return duration instanceof String text && text.chars().anyMatch(Character::isLetter);
    }

    private static boolean isIntegerText(ConfigValue value) {
        return value.valueType() == ConfigValueType.STRING && ((String) value.unwrapped()).trim().matches("-?\\d+");
    }
}
