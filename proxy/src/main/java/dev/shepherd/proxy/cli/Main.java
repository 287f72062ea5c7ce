package dev.shepherd.proxy.cli;

import com.typesafe.config.ConfigException;
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
                .setExecutionExceptionHandler((error, commandLine, parseResult) -> {
                    commandLine.getErr().println(describe(error));
                    commandLine.getErr().flush();
                    return error instanceof ConfigException ? BAD_SETTINGS : FAILURE;
                })
                .execute(args);
    }

    /** One line for the user: the settings error as typesafe-config words it, else what failed. */
    static String describe(Exception error) {
        if (error instanceof ConfigException || error instanceof AdminClient.AdminException) {
            return error.getMessage();
        }
        return "shepherd: " + (error.getMessage() != null ? error.getMessage() : error.toString());
    }
}
