package dev.shepherd.worker.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads frames from a stream, one line each, in chunks of {@link #CHUNK} bytes scanned for the
 * newline. A bad line (too long, not UTF-8, not a frame) is reported as a
 * {@link MalformedFrameException} after the whole line has been consumed, so the caller can log it
 * and read on; an overlong line is skipped as it arrives, never held.
 */
public final class FrameReader {
    static final int CHUNK = 8192;

    private final InputStream in;
    private final byte[] chunk = new byte[CHUNK];
    private int position;
    private int limit;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public FrameReader(InputStream in) {
        this.in = in;
    }

    /** The next frame, or {@code null} at the end of the stream (a partial last line is dropped). */
    public Frame next() throws IOException, MalformedFrameException {
        line.reset();
        long length = 0;
        while (true) {
            if (position == limit) {
                int n = in.read(chunk, 0, CHUNK);
                if (n < 0) {
                    return null;
                }
                position = 0;
                limit = n;
            }
            int end = position;
            while (end < limit && chunk[end] != '\n') {
                end++;
            }
            int bytes = end - position;
            if (length + bytes <= Frame.MAX_BYTES) {
                line.write(chunk, position, bytes);
            }
            length += bytes;
            if (end < limit) {
                position = end + 1; // past the newline
                break;
            }
            position = limit;
        }
        if (length > Frame.MAX_BYTES) {
            throw new MalformedFrameException("frame of " + length + " bytes; the limit is " + Frame.MAX_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFrameException("frame is not UTF-8 text");
        }
        return Frame.decode(text);
    }
}
