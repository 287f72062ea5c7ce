package dev.shepherd.proxy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shepherd [run] [-c FILE]}: without a subcommand, runs the edge. */
@Command(name = "shepherd", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = "An edge process for the JVM: worker JVMs behind one TCP front proxy.",
        subcommands = {RunCommand.class, CheckCommand.class, StatusCommand.class, ControlCommands.Health.class,
            ControlCommands.Reload.class,
            ControlCommands.ReloadConfig.class, ControlCommands.Restart.class, ControlCommands.Drain.class,
            ControlCommands.Ready.class, ControlCommands.Scale.class, ControlCommands.Send.class})
final class ShepherdCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        RunCommand run = new RunCommand();
        run.parent = this;
        return run.call();
    }
}
