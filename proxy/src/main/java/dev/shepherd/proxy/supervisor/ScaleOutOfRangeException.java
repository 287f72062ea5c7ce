package dev.shepherd.proxy.supervisor;

/** A scale to a count below 0, or to more workers than there are ports above {@code first-port}. */
public final class ScaleOutOfRangeException extends IllegalArgumentException {
    ScaleOutOfRangeException(String message) {
        super(message);
    }
}
