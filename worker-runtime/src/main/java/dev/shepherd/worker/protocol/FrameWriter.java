package dev.shepherd.worker.protocol;

import java.io.IOException;
import java.io.OutputStream;

/** Writes frames to a stream; safe to share between threads, each frame is written whole. */
public final class FrameWriter {
    private final OutputStream out;

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    public synchronized void write(Frame frame) throws IOException {
        out.write(frame.encode());
        out.flush();
    }
}
