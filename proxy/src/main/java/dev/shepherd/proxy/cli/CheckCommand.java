package dev.shepherd.proxy.cli;

import dev.shepherd.proxy.config.ShepherdSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code shepherd check -c FILE}: validates the settings without starting anything. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate the settings, print the effective ones and exit 0; or print the error and exit 2.")
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    ShepherdCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ShepherdSettings settings = parent.config.load();
        var out = spec.commandLine().getOut();
        out.println(parent.config.describe() + ": OK");
        SettingsSummary.lines(settings).forEach(line -> out.println("  " + line));
        out.flush();
        return 0;
    }
}
