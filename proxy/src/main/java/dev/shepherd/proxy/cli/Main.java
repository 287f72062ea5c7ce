package dev.shepherd.proxy.cli;

import com.typesafe.config.ConfigException;
import dev.shepherd.proxy.config.ConfigErrors;
import picocli.CommandLine;

/** Entry point of {@code shepherd.jar}. Exit codes: 0 success, 1 runtime failure, 2 bad settings or usage. */
public final class Main {
    static final int BAD_SETTINGS = 2;
    static final int FAILURE = 1;

    private Main() {}

    public static void main(String[] args) {
        NettyDefaults.applyTo(System.getProperties());
        System.exit(execute(args));
    }

    static int execute(String... args) {
        return new CommandLine(new ShepherdCommand())
                .setParameterExceptionHandler(Main::badUsage)
                .setExecutionExceptionHandler((error, commandLine, parseResult) -> {
                    commandLine.getErr().println(describe(error));
                    commandLine.getErr().flush();
                    return error instanceof ConfigException ? BAD_SETTINGS : FAILURE;
                })
                .execute(args);
    }

    /**
     * Bad usage: picocli's words and the usage, except for a {@code -D} option given after
     * {@code -jar}, which reached the edge instead of the JVM: say where it goes.
     */
    private static int badUsage(CommandLine.ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        if (error instanceof CommandLine.UnmatchedArgumentException unmatched) {
            for (String arg : unmatched.getUnmatched()) {
                if (arg.startsWith("-D")) {
                    command.getErr().println("shepherd: " + arg + " is a JVM option, and JVM options go before -jar: java " + arg
                            + " -jar shepherd.jar ... (or set it as a CONFIG_FORCE_ variable; bin/shepherd reads SHEPHERD_JAVA_OPTS)");
                    command.getErr().flush();
                    return BAD_SETTINGS;
                }
            }
        }
        command.getErr().println(error.getMessage());
        command.usage(command.getErr());
        command.getErr().flush();
        return BAD_SETTINGS;
    }

    /** One line for the user: the settings error as typesafe-config words it, else what failed. */
    static String describe(Exception error) {
        if (error instanceof ConfigException settings) {
            return ConfigErrors.describe(settings);
        }
        if (error instanceof AdminClient.AdminException) {
            return error.getMessage();
        }
        return "shepherd: " + (error.getMessage() != null ? error.getMessage() : error.toString());
    }
}
