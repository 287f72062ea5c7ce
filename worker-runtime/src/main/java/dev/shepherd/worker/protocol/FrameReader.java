package dev.shepherd.worker.protocol;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads frames from a stream, one line each. A bad line (too long, not UTF-8, not a frame) is
 * reported as a {@link MalformedFrameException} after the whole line has been consumed, so the
 * caller can log it and read on.
 */
public final class FrameReader {
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public FrameReader(InputStream in) {
        this.in = new BufferedInputStream(in);
    }

    /** The next frame, or {@code null} at the end of the stream (a partial last line is dropped). */
    public Frame next() throws IOException, MalformedFrameException {
        line.reset();
        long length = 0;
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                return null;
            }
            length++;
            if (length <= Frame.MAX_BYTES) {
                line.write(b);
            }
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
