package dev.nebari.llm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A full collection is asked for only when the old generation grew enough since the last one to be worth it: a little
 * once the process is quiet, much once it has been busy for five minutes, never in the middle of a shorter burst.
 */
class UnusedHeapReleaseTest {

    private static final long MIB = 1 << 20;
    /** CPU a busy process uses in one check interval: half a core. */
    private static final long BUSY = UnusedHeapRelease.CHECK_INTERVAL.toNanos() / 2;
    /** CPU a quiet one uses: 1 % of a core. */
    private static final long QUIET = UnusedHeapRelease.CHECK_INTERVAL.toNanos() / 100;

    private final AtomicLong cpu = new AtomicLong();

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

    /** A release whose collections shrink {@code old} and are counted. */
    private UnusedHeapRelease collecting(FakeOldGeneration old, AtomicInteger collections) {
        return new UnusedHeapRelease(old, () -> {
            collections.incrementAndGet();
            old.collect();
        }, cpu::get);
    }

    @Test
    void collectsOnceWhenTheOldGenerationGrewBeyondItsSizeAfterTheLastFullCollection() {
        var old = new FakeOldGeneration(100 * MIB, 300 * MIB, 120 * MIB);
        var collections = new AtomicInteger();
        var release = collecting(old, collections);

        assertThat(release.releaseIfGrown(false)).isTrue();
        assertThat(release.releaseIfGrown(false)).isFalse();

        assertThat(collections).hasValue(1);
        assertThat(old.committed()).isEqualTo(120 * MIB);
    }

    @Test
    void smallGrowthIsNotWorthAPauseWhileBusy() {
        var old = new FakeOldGeneration(100 * MIB, 100 * MIB + UnusedHeapRelease.GROWTH_WORTH_RELEASING - 1, 100 * MIB);
        var collections = new AtomicInteger();
        var release = new UnusedHeapRelease(old, collections::incrementAndGet, cpu::get);

        for (var check = 0; check < 2 * UnusedHeapRelease.BUSY_CHECKS_BEFORE_RELEASE; check++) {
            cpu.addAndGet(BUSY);
            assertThat(release.check()).isFalse();
        }
        assertThat(collections).hasValue(0);
    }

    @Test
    void aBusyProcessIsNotPausedUntilItHasBeenBusyForFiveMinutes() {
        assertThat(UnusedHeapRelease.BUSY_CHECKS_BEFORE_RELEASE * UnusedHeapRelease.CHECK_INTERVAL.toSeconds()).isEqualTo(300);
        var old = new FakeOldGeneration(100 * MIB, 200 * MIB, 100 * MIB);
        var collections = new AtomicInteger();
        var release = collecting(old, collections);

        busyChecksFindNothingToDo(release, UnusedHeapRelease.BUSY_CHECKS_BEFORE_RELEASE - 1);
        cpu.addAndGet(BUSY);
        assertThat(release.check()).isTrue();
        assertThat(collections).hasValue(1);

        old.committed = 200 * MIB;
        busyChecksFindNothingToDo(release, UnusedHeapRelease.BUSY_CHECKS_BEFORE_RELEASE - 1);
        cpu.addAndGet(BUSY);
        assertThat(release.check()).as("five more minutes of work").isTrue();
        assertThat(collections).hasValue(2);
    }

    @Test
    void aQuietMomentStartsTheBusyProcessesPatienceAgain() {
        var old = new FakeOldGeneration(100 * MIB, 100 * MIB + UnusedHeapRelease.GROWTH_WORTH_RELEASING_WHEN_QUIET - 1,
                100 * MIB);
        var collections = new AtomicInteger();
        var release = collecting(old, collections);

        busyChecksFindNothingToDo(release, UnusedHeapRelease.BUSY_CHECKS_BEFORE_RELEASE - 1);
        cpu.addAndGet(QUIET);
        assertThat(release.check()).as("an excess too small to give back when quiet").isFalse();
        old.committed = 200 * MIB;
        busyChecksFindNothingToDo(release, UnusedHeapRelease.BUSY_CHECKS_BEFORE_RELEASE - 1);
        cpu.addAndGet(BUSY);
        assertThat(release.check()).isTrue();
        assertThat(collections).hasValue(1);
    }

    private void busyChecksFindNothingToDo(UnusedHeapRelease release, long checks) {
        for (var check = 0; check < checks; check++) {
            cpu.addAndGet(BUSY);
            assertThat(release.check()).as("busy check %d", check + 1).isFalse();
        }
    }

    @Test
    void aQuietProcessGivesBackASmallerExcessAtTheNextCheck() {
        var growth = UnusedHeapRelease.GROWTH_WORTH_RELEASING_WHEN_QUIET;
        assertThat(growth).isLessThan(UnusedHeapRelease.GROWTH_WORTH_RELEASING);
        var old = new FakeOldGeneration(100 * MIB, 100 * MIB + growth, 100 * MIB);
        var collections = new AtomicInteger();
        var release = collecting(old, collections);

        cpu.addAndGet(BUSY);
        assertThat(release.check()).isFalse();
        cpu.addAndGet(QUIET);
        assertThat(release.check()).isTrue();
        cpu.addAndGet(QUIET);
        assertThat(release.check()).as("nothing left to give back").isFalse();
        assertThat(collections).hasValue(1);
        assertThat(old.committed()).isEqualTo(100 * MIB);
    }

    @Test
    void aQuietProcessKeepsAnExcessTooSmallForAPause() {
        var old = new FakeOldGeneration(100 * MIB, 100 * MIB + UnusedHeapRelease.GROWTH_WORTH_RELEASING_WHEN_QUIET - 1,
                100 * MIB);
        var collections = new AtomicInteger();
        var release = new UnusedHeapRelease(old, collections::incrementAndGet, cpu::get);

        for (var check = 0; check < 2 * UnusedHeapRelease.BUSY_CHECKS_BEFORE_RELEASE; check++) {
            cpu.addAndGet(QUIET);
            assertThat(release.check()).isFalse();
        }
        assertThat(collections).hasValue(0);
    }

    @Test
    void doesNothingWithoutTheSerialCollectorsOldGeneration() {
        var collections = new AtomicInteger();
        var release = new UnusedHeapRelease(null, collections::incrementAndGet, cpu::get);

        assertThat(release.releaseIfGrown(true)).isFalse();
        release.start();
        assertThat(release.isRunning()).isFalse();
        assertThat(collections).hasValue(0);
    }
}
