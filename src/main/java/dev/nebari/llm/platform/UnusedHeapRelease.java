package dev.nebari.llm.platform;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Gives heap the application no longer uses back to the operating system, as G1 does on its own with
 * {@code G1PeriodicGCInterval} (JEP 346). The image runs the Serial collector (config/jvm.options), which grows
 * its old generation when a young collection promotes more than fits, but shrinks it (to
 * {@code MaxHeapFreeRatio}) only in a full collection, and may not run one for hours: after a cold start of 300
 * models the heap stayed at 300-460 MiB committed for 80-110 MiB of live data (bench/memory/README.md).
 *
 * <p>Every minute, when the old generation has more than {@link #GROWTH_WORTH_RELEASING} committed beyond what the
 * last full collection found live (plus the free share {@code MaxHeapFreeRatio} allows), this asks for one. Growth
 * that is live data stays (the collection finds it live, and the next check starts from there), so steady load
 * costs one full collection per such growth and a quiet application none. Young collections promote into the old
 * generation and grow it without a full collection (up to the maximum heap), which is how it gets oversized. Does
 * nothing with other collectors (no pool named {@code Tenured Gen}).
 */
public final class UnusedHeapRelease implements SmartLifecycle {

    /** Below this, a full collection (0.5-1.1 s for 100 MiB live on two busy cores) is not worth what it returns. */
    static final long GROWTH_WORTH_RELEASING = 24L << 20;
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(UnusedHeapRelease.class);

    private final @Nullable OldGeneration oldGeneration;
    private final Runnable collect;
    private @Nullable ScheduledExecutorService scheduler;

    public UnusedHeapRelease() {
        this(OldGeneration.serial().orElse(null), System::gc);
    }

    UnusedHeapRelease(@Nullable OldGeneration oldGeneration, Runnable collect) {
        this.oldGeneration = oldGeneration;
        this.collect = collect;
    }

    /** The Serial collector's old generation as the management beans show it. */
    interface OldGeneration {

        /** Bytes committed now. */
        long committed();

        /**
         * Bytes a full collection would leave committed, as far as known: the live bytes it found last time, plus
         * the free share {@code MaxHeapFreeRatio} allows (0 before the first full collection).
         */
        long baseline();

        static Optional<OldGeneration> serial() {
            var tenured = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(pool -> pool.getType() == MemoryType.HEAP && pool.getName().equals("Tenured Gen"))
                    .findFirst();
            if (tenured.isEmpty()) {
                return Optional.empty();
            }
            var pool = tenured.get();
            var maxFree = Double.parseDouble(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxHeapFreeRatio").getValue()) / 100;
            return Optional.of(new OldGeneration() {
                @Override
                public long committed() {
                    return pool.getUsage().getCommitted();
                }

                @Override
                public long baseline() {
                    var afterLast = pool.getCollectionUsage();
                    return afterLast == null ? 0 : (long) (afterLast.getUsed() / Math.max(0.01, 1 - maxFree));
                }
            });
        }
    }

    /** Collects when the old generation holds much more than after the last full collection; true when it did. */
    boolean releaseIfGrown() {
        var generation = oldGeneration;
        if (generation == null) {
            return false;
        }
        var growth = generation.committed() - generation.baseline();
        if (growth < GROWTH_WORTH_RELEASING) {
            return false;
        }
        collect.run();
        log.debug("old generation had grown by {} MiB since the last full collection: collected, now {} MiB committed",
                growth >> 20, generation.committed() >> 20);
        return true;
    }

    private void check() {
        try {
            releaseIfGrown();
        } catch (RuntimeException e) {
            log.debug("heap check failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        if (scheduler != null || oldGeneration == null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("unused-heap-release").factory());
        scheduler.scheduleWithFixedDelay(this::check, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
