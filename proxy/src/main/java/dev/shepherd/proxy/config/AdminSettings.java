package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

/** The admin HTTP API's address and, when not empty, its bearer token. */
public record AdminSettings(ListenSpec listen, String token) {
    public AdminSettings {
        requireNonNull(listen, "listen");
        requireNonNull(token, "token");
    }
}
