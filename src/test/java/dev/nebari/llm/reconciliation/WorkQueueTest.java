package dev.nebari.llm.reconciliation;

import dev.nebari.llm.keys.ModelRef;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The work queue holds a key once, never hands it to two workers, and backs off per key. */
class WorkQueueTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final WorkQueue<ModelRef> queue = new WorkQueue<>(Duration.ofMillis(100), Duration.ofSeconds(1), clock);
    private final ModelRef a = new ModelRef("ns", "a");
    private final ModelRef b = new ModelRef("ns", "b");

    @Test
    void aKeyAddedManyTimesIsHandedOutOnce() throws Exception {
        queue.add(a);
        queue.add(a);
        queue.add(b);

        assertThat(queue.depth()).isEqualTo(2);
        assertThat(queue.take()).contains(a);
        assertThat(queue.take()).contains(b);
        assertThat(queue.depth()).isZero();
    }

    @Test
    void aKeyAddedWhileBeingProcessedIsHandedOutAgainAfterDone() throws Exception {
        queue.add(a);
        var taken = queue.take().orElseThrow();
        queue.add(a);

        assertThat(queue.depth()).as("not handed to a second worker meanwhile").isZero();
        queue.done(taken);
        assertThat(queue.take()).contains(a);
    }

    @Test
    void failuresBackOffExponentiallyUpToTheMaximum() {
        assertThat(queue.retryLater(a)).isEqualTo(Duration.ofMillis(100));
        assertThat(queue.retryLater(a)).isEqualTo(Duration.ofMillis(200));
        assertThat(queue.retryLater(a)).isEqualTo(Duration.ofMillis(400));
        for (int i = 0; i < 10; i++) {
            queue.retryLater(a);
        }
        assertThat(queue.retryLater(a)).isEqualTo(Duration.ofSeconds(1));
        queue.forget(a);
        assertThat(queue.retryLater(a)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aDelayedKeyIsNotDueBeforeItsTime() {
        queue.addAfter(a, Duration.ofSeconds(5));
        assertThat(queue.idle()).as("scheduled for later counts as idle").isTrue();

        clock.advance(Duration.ofSeconds(5));
        assertThat(queue.idle()).isFalse();
    }

    @Test
    void anEarlierAddWinsOverALaterOne() {
        queue.addAfter(a, Duration.ofSeconds(30));
        queue.add(a);

        assertThat(queue.depth()).isEqualTo(1);
        assertThat(queue.idle()).isFalse();
    }

    /** The later entry a key leaves behind when brought forward is never handed out (nor counted, nor waited for). */
    @Test
    void aKeyBroughtForwardIsHandedOutOnceAtItsEarlierTime() throws Exception {
        queue.addAfter(a, Duration.ofSeconds(30));
        queue.addAfter(b, Duration.ofSeconds(20));
        queue.addAfter(a, Duration.ofSeconds(10));

        assertThat(queue.depth()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(10));
        assertThat(queue.take()).contains(a);
        queue.done(a);
        clock.advance(Duration.ofSeconds(10));
        assertThat(queue.take()).contains(b);
        queue.done(b);

        clock.advance(Duration.ofSeconds(10));
        assertThat(queue.depth()).isZero();
        assertThat(queue.idle()).as("a's superseded entry, due now, is no work").isTrue();
        queue.addAfter(b, Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(5));
        assertThat(queue.take()).as("the next key handed out").contains(b);
    }

    @Test
    void shutDownReleasesWaitingWorkers() throws Exception {
        var worker = Thread.ofVirtual().start(() -> {
            try {
                assertThat(queue.take()).isEmpty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        queue.shutDown();
        worker.join(Duration.ofSeconds(5));
        assertThat(worker.isAlive()).isFalse();
    }
}
