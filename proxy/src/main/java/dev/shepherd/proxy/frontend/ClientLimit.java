package dev.shepherd.proxy.frontend;

import java.util.Locale;

/** The limits that close a client connection of their own accord, each counted when it does. */
enum ClientLimit {
    /** {@code max-connections-per-source}: its address had that many open already. */
    PER_SOURCE,
    /** {@code max-connection-duration}: open that long. */
    MAX_DURATION;

    /** The metric tag: {@code per_source}. */
    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
