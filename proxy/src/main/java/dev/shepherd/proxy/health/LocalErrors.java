package dev.shepherd.proxy.health;

/**
 * Errors the edge causes itself (out of file descriptors, out of local ports): a check or a
 * connect that fails with one says nothing about the endpoint, so it does not count against it.
 */
final class LocalErrors {
    private LocalErrors() {}

    static boolean isLocal(String message) {
        return message != null
                && (message.contains("Too many open files") || message.contains("Cannot assign requested address"));
    }
}
