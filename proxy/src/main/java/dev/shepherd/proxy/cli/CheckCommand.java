package dev.shepherd.proxy.cli;

import dev.shepherd.proxy.config.SettingsLoader;
import dev.shepherd.proxy.config.ShepherdSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code shepherd check -c FILE}: validates the settings without starting anything. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate the settings and what would fail at start (ports taken, a transport that does not load, a"
                + " worker program missing, a backend name that does not resolve), without starting anything. Exit 0: the edge would start;"
                + " 1: it would not (each reason printed); 2: the settings are invalid (the error printed).")
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    ShepherdCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--explain", description = "Also print every effective setting and where it came from: default, FILE: LINE,"
            + " -Dshepherd.KEY or CONFIG_FORCE_ variable (as nginx -T and haproxy -c -V do).")
    boolean explain;

    @Override
    public Integer call() {
        ShepherdSettings settings = parent.config.load();
        StartChecks checks = StartChecks.of(settings);
        var out = spec.commandLine().getOut();
        out.println(parent.config.describe() + (checks.errors().isEmpty() ? ": OK" : ": valid settings, but the edge would not start"));
        SettingsSummary.lines(settings).forEach(line -> out.println("  " + line));
        if (explain) {
            new SettingsLoader().explain(parent.config.resolve()).forEach(line -> out.println("  " + line));
        }
        checks.warnings().forEach(warning -> out.println("warning: " + warning));
        checks.errors().forEach(error -> out.println("error: " + error));
        out.flush();
        return checks.errors().isEmpty() ? 0 : 1;
    }
}
