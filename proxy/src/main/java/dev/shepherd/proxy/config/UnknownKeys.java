package dev.shepherd.proxy.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Rejects a key under {@code shepherd} that reference.conf does not know (a typo such as
 * {@code helth-check}), naming the closest known key, and a key of the user's file outside
 * {@code shepherd}. Keys inside an object that reference.conf
 * leaves empty, such as {@code workers.env}, are the user's own and always allowed, and so are
 * indexes into a list ({@code backends.0}), which is how system properties set a list.
 */
final class UnknownKeys {

    private UnknownKeys() {}

    static void check(Config config, Config reference, String root) {
        Config known = reference.getConfig(root);
        Config given = config.getConfig(root);
        for (Map.Entry<String, ConfigValue> entry : given.entrySet()) {
            String key = entry.getKey();
            if (!isKnown(known, key)) {
                String suggestion = closest(known, key);
                throw new UnknownKeyException(entry.getValue().origin(),
                        "Unknown key '" + root + "." + key + "'; did you mean '" + root + "." + suggestion + "'?");
            }
        }
    }

    /**
     * Every key at the top of the user's file must be {@code root}: a misspelled root
     * ({@code shepard { }}) or a file written without it ({@code workers.count = 2}) would otherwise
     * be ignored, and the edge would run on the defaults. The error names the file, the line and
     * the key meant.
     */
    static void checkRoots(Config file, Config reference, String root) {
        Config known = reference.getConfig(root);
        for (Map.Entry<String, ConfigValue> entry : file.root().entrySet()) {
            String key = entry.getKey();
            if (key.equals(root)) {
                continue;
            }
            String meant;
            if (known.root().containsKey(key)) {
                meant = root + "." + key + "' (inside " + root + " { })";
            } else if (distance(key, root) <= 3) {
                meant = root + "'";
            } else {
                meant = root + "." + known.root().keySet().stream()
                        .min(Comparator.comparingInt(candidate -> distance(candidate, key))).orElseThrow() + "'";
            }
            throw new UnknownKeyException(entry.getValue().origin(), "Unknown key '" + key + "' outside " + root
                    + " { }: every setting of a Shepherd file is under " + root + "; did you mean '" + meant + "?");
        }
    }

    private static boolean isKnown(Config known, String key) {
        if (known.hasPathOrNull(key)) {
            return true;
        }
        List<String> parts = ConfigUtil.splitPath(key);
        for (int n = parts.size() - 1; n > 0; n--) {
            String prefix = ConfigUtil.joinPath(parts.subList(0, n));
            if (known.hasPathOrNull(prefix)) {
                ConfigValue value = known.getValue(prefix);
                boolean openObject = value instanceof ConfigObject object && object.isEmpty();
                // -Dshepherd.backends.0=... sets a list by index: typesafe-config reads such an object as a list.
                boolean listIndex = value instanceof ConfigList && n == parts.size() - 1 && parts.get(n).matches("\\d+");
                return openObject || listIndex;
            }
        }
        return false;
    }

    private static String closest(Config known, String key) {
        List<String> candidates = new ArrayList<>(known.entrySet().size());
        known.entrySet().forEach(e -> candidates.add(e.getKey()));
        known.root().keySet().forEach(name -> collectOpenObjects(known, ConfigUtil.joinPath(name), candidates));
        return candidates.stream().min(Comparator.comparingInt(candidate -> distance(candidate, key))).orElseThrow();
    }

    private static void collectOpenObjects(Config known, String path, List<String> into) {
        ConfigValue value = known.getValue(path);
        if (value instanceof ConfigObject object) {
            if (object.isEmpty()) {
                into.add(path);
            }
            object.keySet().forEach(child -> collectOpenObjects(known, path + "." + ConfigUtil.joinPath(child), into));
        }
    }

    /** Levenshtein distance: insertions, deletions and substitutions that turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** A key Shepherd does not know; the message starts with the file and line, like every ConfigException. */
    static final class UnknownKeyException extends ConfigException {
        UnknownKeyException(ConfigOrigin origin, String message) {
            super(origin, message);
        }
    }
}
