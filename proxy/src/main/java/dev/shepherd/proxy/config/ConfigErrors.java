package dev.shepherd.proxy.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line for a settings error, naming where the bad setting came from as the user wrote it: the
 * file and line, the {@code -D} property, or the {@code CONFIG_FORCE_} variable (typesafe-config
 * itself says only "system properties" or "env variables"); a syntax error says so in plain words
 * before the parser's.
 */
public final class ConfigErrors {
    private static final Pattern KEY = Pattern.compile("(?:Invalid value at|Unknown key|No configuration setting found for key) '([^']+)'");

    private ConfigErrors() {}

    public static String describe(ConfigException error) {
        String message = error.getMessage();
        ConfigOrigin origin = error.origin();
        if (origin == null || message == null) {
            return message;
        }
        String where = origin.description();
        String what = message.startsWith(where + ": ") ? message.substring(where.length() + 2) : message;
        Matcher key = KEY.matcher(what);
        if (key.find()) {
            if (where.startsWith("env variables")) {
                return environmentVariable(key.group(1)) + ": " + what;
            }
            if (where.startsWith("system properties")) {
                return "-D" + key.group(1) + ": " + what;
            }
        }
        if (error instanceof ConfigException.Parse) {
            return where + ": syntax error" + (what.contains("end of file")
                    ? " (the file ends inside a { } or [ ]: is a closing brace or bracket missing?)" : "") + ": " + what;
        }
        return message;
    }

    /** {@code shepherd.workers.first-port} as typesafe-config's override variable: {@code CONFIG_FORCE_shepherd_workers_first__port}. */
    static String environmentVariable(String key) {
        return "CONFIG_FORCE_" + key.replace("_", "___").replace("-", "__").replace('.', '_');
    }
}
