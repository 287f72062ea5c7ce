package dev.shepherd.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakGuardTest {

    @Test
    void aBufferThatIsNeverReleasedIsReported() {
        leakOneBuffer();
        List<String> leaks = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (leaks.isEmpty() && System.nanoTime() < deadline) {
            leaks.addAll(LeakGuard.collectLeaks());
        }
        assertThat(leaks).isNotEmpty();
        assertThat(leaks.get(0)).contains("leaked");
    }

    private static void leakOneBuffer() {
        ByteBufAllocator.DEFAULT.buffer(64).writeLong(42);
    }
}
