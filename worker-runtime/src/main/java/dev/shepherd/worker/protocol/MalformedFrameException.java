package dev.shepherd.worker.protocol;

/** A control-channel line that is not a frame. The line is dropped; the channel stays open. */
public final class MalformedFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}
