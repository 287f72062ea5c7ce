package dev.shepherd.proxy.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExitCauseTest {

    @Test
    void anExitCodeOver128NamesTheSignalTheJdkFoldedIntoIt() {
        assertThat(ExitCause.exited(137).description()).isEqualTo("killed by SIGKILL (exit code 137), not sent by the edge");
        assertThat(ExitCause.exited(143).description()).isEqualTo("exited on SIGTERM (exit code 143), not sent by the edge");
        assertThat(ExitCause.exited(162).description()).isEqualTo("exited on signal 34 (exit code 162), not sent by the edge");
        assertThat(ExitCause.exited(1).description()).isEqualTo("exit code 1");
        assertThat(ExitCause.exited(255).description()).isEqualTo("exit code 255");
    }

    @Test
    void aStopAndAFailedStartSayWhatHappened() {
        assertThat(ExitCause.stopped(0, null).description()).isEqualTo("stopped by the edge: exit code 0");
        assertThat(ExitCause.stopped(143, "SIGTERM").description())
                .isEqualTo("stopped by the edge: exited on SIGTERM (exit code 143), sent by the edge");
        assertThat(ExitCause.stopped(137, "SIGTERM").description())
                .isEqualTo("stopped by the edge: killed by SIGKILL (exit code 137), not sent by the edge");
        assertThat(ExitCause.cannotStart(List.of("nope"), "No such file or directory").description())
                .isEqualTo("cannot start [nope]: No such file or directory");
    }
}
