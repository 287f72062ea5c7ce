package dev.shepherd.proxy.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExitCauseTest {

    @Test
    void anExitCodeOver128NamesTheSignalTheJdkFoldedIntoIt() {
        assertThat(ExitCause.exited(137).description()).isEqualTo("exit code 137 (signal 9, SIGKILL)");
        assertThat(ExitCause.exited(143).description()).isEqualTo("exit code 143 (signal 15, SIGTERM)");
        assertThat(ExitCause.exited(1).description()).isEqualTo("exit code 1");
        assertThat(ExitCause.exited(255).description()).isEqualTo("exit code 255");
    }

    @Test
    void aStopAndAFailedStartSayWhatHappened() {
        assertThat(ExitCause.stopped(0).description()).isEqualTo("stopped by Shepherd, exit code 0");
        assertThat(ExitCause.cannotStart(List.of("nope"), "No such file or directory").description())
                .isEqualTo("cannot start [nope]: No such file or directory");
    }
}
