package dev.shepherd.proxy.cli;

import dev.shepherd.proxy.config.ListenSpec;
import dev.shepherd.proxy.config.ShepherdSettings;
import java.net.URI;
import picocli.CommandLine.Option;

/**
 * Where a running edge's admin API is, for the commands that talk to it: {@code --admin URL}, or
 * the settings' {@code admin.host} and {@code admin.port} (the same {@code -c FILE} and {@code -D}
 * overrides as {@code run}); the token from {@code --token} or {@code SHEPHERD_ADMIN_TOKEN}.
 */
final class AdminOptions {
    @Option(names = "--admin", paramLabel = "URL",
            description = "The edge's admin API, such as http://127.0.0.1:9900. Default: admin.host and admin.port of the settings.")
    URI url;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The admin token (admin.token). Default: the environment variable SHEPHERD_ADMIN_TOKEN.")
    String token;

    /** The API's base URL; a wildcard admin.host is reached on loopback. */
    URI url(ConfigOption config) {
        if (url != null) {
            return url;
        }
        ShepherdSettings settings = config.load();
        ListenSpec admin = settings.admin().listen();
        String host = admin.host().equals("0.0.0.0") || admin.host().equals("::") ? "127.0.0.1" : admin.host();
        return URI.create("http://" + new ListenSpec(host, admin.port()));
    }

    String token() {
        if (token != null) {
            return token;
        }
        String fromEnvironment = System.getenv("SHEPHERD_ADMIN_TOKEN");
        return fromEnvironment != null ? fromEnvironment : "";
    }
}
