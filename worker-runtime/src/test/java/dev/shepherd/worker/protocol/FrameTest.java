package dev.shepherd.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void framesWithoutPayloadAreTheirTypeName() {
        assertThat(wire(Frame.ready())).isEqualTo("ready\n");
        assertThat(wire(Frame.heartbeat())).isEqualTo("heartbeat\n");
        assertThat(wire(Frame.stopping())).isEqualTo("stopping\n");
    }

    @Test
    void aHeartbeatMayCarryTheHeapInUse() throws Exception {
        assertThat(wire(Frame.heartbeat(123_456_789L))).isEqualTo("heartbeat heap=123456789\n");
        assertThat(Frame.decode("heartbeat heap=123456789").heapUsedBytes()).isEqualTo(123_456_789L);
        assertThat(Frame.decode("heartbeat").heapUsedBytes()).isEqualTo(-1);
        assertThatThrownBy(() -> Frame.decode("heartbeat 12"))
                .isInstanceOf(MalformedFrameException.class).hasMessage("a heartbeat's payload must be heap=BYTES, got '12'");
        assertThatThrownBy(() -> Frame.decode("heartbeat heap=-1")).isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> new Frame(Frame.Type.HEARTBEAT, "heap=x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stoppingSurvivesTheTrip() throws Exception {
        assertThat(Frame.decode("stopping")).isEqualTo(Frame.stopping());
    }

    @Test
    void shutdownCarriesItsDeadlineInMilliseconds() throws Exception {
        Frame frame = Frame.shutdown(Duration.ofSeconds(10));
        assertThat(wire(frame)).isEqualTo("shutdown 10000\n");
        assertThat(Frame.decode("shutdown 10000").deadline()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void messageTextWithNewlinesAndBackslashesSurvivesTheTrip() throws Exception {
        String text = "line one\nline two\r\n a \\n that is not a newline, and ünïcödé";
        String line = wire(Frame.message(text));
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        assertThat(Frame.decode(line.substring(0, line.length() - 1))).isEqualTo(Frame.message(text));
    }

    @Test
    void anEmptyMessageIsAMessage() throws Exception {
        assertThat(Frame.decode("message ")).isEqualTo(Frame.message(""));
    }

    @Test
    void aWorkersRequestsSurviveTheTrip() throws Exception {
        assertThat(wire(Frame.drain())).isEqualTo("drain\n");
        assertThat(wire(Frame.undrain())).isEqualTo("undrain\n");
        assertThat(Frame.decode("drain")).isEqualTo(Frame.drain());
        assertThat(Frame.decode("undrain")).isEqualTo(Frame.undrain());
        assertThat(wire(Frame.weight(25))).isEqualTo("weight 25\n");
        assertThat(Frame.decode("weight 0").weight()).isZero();
        String reason = "uncaught IllegalStateException:\nboom";
        String line = wire(Frame.replace(reason));
        assertThat(Frame.decode(line.substring(0, line.length() - 1))).isEqualTo(Frame.replace(reason));
    }

    @Test
    void aWeightOutside0To100IsNeitherSentNorAccepted() {
        assertThatThrownBy(() -> Frame.weight(101)).hasMessage("weight must be in 0..100, got 101");
        assertThatThrownBy(() -> Frame.weight(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frame.decode("weight 101")).hasMessage("weight needs a whole number in 0..100, got '101'");
        assertThatThrownBy(() -> Frame.decode("weight heavy")).isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> Frame.decode("weight")).hasMessage("'weight' needs a payload");
    }

    @Test
    void malformedLinesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> Frame.decode("reddy")).hasMessage("unknown frame type 'reddy'");
        assertThatThrownBy(() -> Frame.decode("")).hasMessage("unknown frame type ''");
        assertThatThrownBy(() -> Frame.decode("ready now")).hasMessage("'ready' takes no payload");
        assertThatThrownBy(() -> Frame.decode("message")).hasMessage("'message' needs a payload");
        assertThatThrownBy(() -> Frame.decode("shutdown soon"))
                .hasMessage("shutdown needs a deadline in milliseconds, got 'soon'");
        assertThatThrownBy(() -> Frame.decode("message a\\qb")).hasMessage("bad escape at character 2 of the message");
        assertThatThrownBy(() -> Frame.decode("message trailing\\")).isInstanceOf(MalformedFrameException.class);
    }

    @Test
    void aMessageOverTheLimitCannotBeSent() {
        assertThat(Frame.message("x".repeat(Frame.MAX_BYTES - "message ".length())).encode())
                .hasSize(Frame.MAX_BYTES + 1);
        assertThatThrownBy(() -> Frame.message("x".repeat(Frame.MAX_BYTES)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit is 65536");
    }

    private static String wire(Frame frame) {
        return new String(frame.encode(), StandardCharsets.UTF_8);
    }
}
