package dev.shepherd.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameReaderTest {

    @Test
    void readsFramesUntilTheEndOfTheStream() throws Exception {
        FrameReader reader = reader("ready\nheartbeat\nmessage hi\n".getBytes(StandardCharsets.UTF_8));
        assertThat(reader.next()).isEqualTo(Frame.ready());
        assertThat(reader.next()).isEqualTo(Frame.heartbeat());
        assertThat(reader.next()).isEqualTo(Frame.message("hi"));
        assertThat(reader.next()).isNull();
    }

    @Test
    void anOverlongLineIsDroppedWholeAndReadingGoesOn() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("message " + "x".repeat(200_000) + "\n").getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("ready\n".getBytes(StandardCharsets.UTF_8));
        FrameReader reader = reader(bytes.toByteArray());
        assertThatThrownBy(reader::next).isInstanceOf(MalformedFrameException.class)
                .hasMessage("frame of 200008 bytes; the limit is 65536");
        assertThat(reader.next()).isEqualTo(Frame.ready());
    }

    @Test
    void aLineThatIsNotUtf8IsDropped() throws Exception {
        byte[] bytes = {'m', 'e', 's', 's', 'a', 'g', 'e', ' ', (byte) 0xC3, (byte) 0x28, '\n', 'r', 'e', 'a', 'd', 'y', '\n'};
        FrameReader reader = reader(bytes);
        assertThatThrownBy(reader::next).hasMessage("frame is not UTF-8 text");
        assertThat(reader.next()).isEqualTo(Frame.ready());
    }

    @Test
    void aPartialLastLineIsNotAFrame() throws Exception {
        assertThat(reader("ready".getBytes(StandardCharsets.UTF_8)).next()).isNull();
    }

    @Test
    void framesSplitAcrossChunksAndReadsAreWhole() throws Exception {
        String padding = "x".repeat(FrameReader.CHUNK - 10);
        byte[] bytes = ("message " + padding + "\nready\n").getBytes(StandardCharsets.UTF_8);
        // A stream that hands out 3 bytes per read: every frame is split many times.
        FrameReader reader = new FrameReader(new java.io.InputStream() {
            private int next;

            @Override
            public int read() {
                return next < bytes.length ? bytes[next++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                if (next >= bytes.length) {
                    return -1;
                }
                int n = Math.min(3, Math.min(length, bytes.length - next));
                System.arraycopy(bytes, next, into, offset, n);
                next += n;
                return n;
            }
        });
        assertThat(reader.next()).isEqualTo(Frame.message(padding));
        assertThat(reader.next()).isEqualTo(Frame.ready());
        assertThat(reader.next()).isNull();
    }

    private static FrameReader reader(byte[] bytes) {
        return new FrameReader(new ByteArrayInputStream(bytes));
    }
}
