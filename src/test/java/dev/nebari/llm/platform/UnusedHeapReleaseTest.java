package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A full collection is asked for only when the old generation grew enough since the last one to be worth it. */
class UnusedHeapReleaseTest {

    private static final long MIB = 1 << 20;

    /** An old generation that shrinks to {@code liveAfterCollection} when collected. */
    private static final class FakeOldGeneration implements UnusedHeapRelease.OldGeneration {
        long committed;
        long baseline;
        final long liveAfterCollection;

        FakeOldGeneration(long baseline, long committed, long liveAfterCollection) {
            this.baseline = baseline;
            this.committed = committed;
            this.liveAfterCollection = liveAfterCollection;
        }

        void collect() {
            committed = liveAfterCollection;
            baseline = liveAfterCollection;
        }

        @Override
        public long committed() {
            return committed;
        }

        @Override
        public long baseline() {
            return baseline;
        }
    }

    @Test
    void collectsOnceWhenTheOldGenerationGrewBeyondItsSizeAfterTheLastFullCollection() {
        var old = new FakeOldGeneration(100 * MIB, 300 * MIB, 120 * MIB);
        var collections = new AtomicInteger();
        var release = new UnusedHeapRelease(old, () -> {
            collections.incrementAndGet();
            old.collect();
        });

        assertThat(release.releaseIfGrown()).isTrue();
        assertThat(release.releaseIfGrown()).isFalse();

        assertThat(collections).hasValue(1);
        assertThat(old.committed()).isEqualTo(120 * MIB);
    }

    @Test
    void smallGrowthIsNotWorthAPause() {
        var old = new FakeOldGeneration(100 * MIB, 100 * MIB + UnusedHeapRelease.GROWTH_WORTH_RELEASING - 1, 100 * MIB);
        var collections = new AtomicInteger();

        assertThat(new UnusedHeapRelease(old, collections::incrementAndGet).releaseIfGrown()).isFalse();
        assertThat(collections).hasValue(0);
    }

    @Test
    void doesNothingWithoutTheSerialCollectorsOldGeneration() {
        var collections = new AtomicInteger();
        var release = new UnusedHeapRelease(null, collections::incrementAndGet);

        assertThat(release.releaseIfGrown()).isFalse();
        release.start();
        assertThat(release.isRunning()).isFalse();
        assertThat(collections).hasValue(0);
    }
}
