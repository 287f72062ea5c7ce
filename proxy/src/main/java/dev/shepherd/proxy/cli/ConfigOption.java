package dev.shepherd.proxy.cli;

import dev.shepherd.proxy.config.SettingsLoader;
import dev.shepherd.proxy.config.ShepherdSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code -c FILE} option: given to {@code shepherd}, it is inherited by every subcommand, before or after its name. */
final class ConfigOption {
    static final Path DEFAULT_FILE = Path.of("conf", "shepherd.conf");
    static final String CONFIG_VARIABLE = "SHEPHERD_CONFIG";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "HOCON settings file. Default: $SHEPHERD_CONFIG when set, else conf/shepherd.conf when it exists,"
                    + " else the built-in defaults.")
    Path file;

    /** The file to read: the one given, else $SHEPHERD_CONFIG (bin/shepherd sets it), else conf/shepherd.conf when present, else none. */
    Path resolve() {
        if (file != null) {
            return file;
        }
        String fromEnvironment = System.getenv(CONFIG_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment);
        }
        return Files.isRegularFile(DEFAULT_FILE) ? DEFAULT_FILE : null;
    }

    ShepherdSettings load() {
        return new SettingsLoader().load(resolve());
    }

    String describe() {
        Path resolved = resolve();
        return resolved == null ? "built-in defaults" : resolved.toString();
    }
}
