package dev.nebari.llm.download.fakehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The fake Hub's shared link: parallel connections together never beat its rate. */
class LinkLimitTest {

    @Test
    void parallelTransfersShareTheLinkRate() throws Exception {
        var link = new LinkLimit(8_000_000); // 8 MB/s
        long start = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < 16; i++) {
                        link.transfer(62_500); // 4 threads x 16 x 62.5 kB = 4 MB
                    }
                    return null;
                });
            }
        }
        var elapsed = Duration.ofNanos(System.nanoTime() - start);
        // 4 MB at 8 MB/s is 0.5 s however many connections carry it; a slow machine may take longer, never less
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(490));
    }

    @Test
    void anIdleLinkDoesNotBankUnusedTime() throws Exception {
        var link = new LinkLimit(1_000_000);
        Thread.sleep(300);
        long start = System.nanoTime();
        link.transfer(200_000); // 0.2 s at 1 MB/s, even after the link sat idle for longer than that
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(195));
    }

    @Test
    void refusesARateOfZero() {
        assertThatThrownBy(() -> new LinkLimit(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
