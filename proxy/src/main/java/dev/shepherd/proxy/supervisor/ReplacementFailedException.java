package dev.shepherd.proxy.supervisor;

/** A replacement (or a respawn by request) did not come UP; what was serving before still serves. */
public final class ReplacementFailedException extends RuntimeException {
    ReplacementFailedException(String message) {
        super(message);
    }

    ReplacementFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
