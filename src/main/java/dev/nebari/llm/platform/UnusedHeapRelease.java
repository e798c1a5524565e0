package dev.nebari.llm.platform;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
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
 * <p>Once the process has gone quiet (less than {@link #QUIET_CPU_SHARE} of a core since the last check, which runs
 * every {@link #CHECK_INTERVAL}), this asks for a full collection when the old generation has more than
 * {@link #GROWTH_WORTH_RELEASING_WHEN_QUIET} committed beyond what the last full collection found live (plus the free
 * share {@code MaxHeapFreeRatio} allows): a pause then delays nobody. Growth that is live data stays (the collection
 * finds it live, and the next check starts from there), so a quiet application costs one full collection per burst
 * of work. Young collections promote into the old generation and grow it without a full collection (up to the
 * maximum heap), which is how it gets oversized. Does nothing with other collectors (no pool named
 * {@code Tenured Gen}).
 *
 * <p>A busy process is left alone until it has been busy for {@link #BUSY_PATIENCE} without a pause of ours, and
 * then gives back an excess of {@link #GROWTH_WORTH_RELEASING}: a burst of requests is not stopped in the middle
 * (until 2026-12-07 this rule ran once a minute, and at 300 models and 3,000 keys it stopped both processes for
 * 0.3-0.5 s while the keys were minted, bench/scale), and memory under sustained load still comes back.
 */
public final class UnusedHeapRelease implements SmartLifecycle {

    /** Below this, a full collection (0.5-1.1 s for 100 MiB live on two busy cores) is not worth what it returns. */
    static final long GROWTH_WORTH_RELEASING = 24L << 20;
    /** The excess worth a full collection once the process is quiet (one took 0.15-0.25 s for 65-70 MB live). */
    static final long GROWTH_WORTH_RELEASING_WHEN_QUIET = 8L << 20;
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(15);
    /** How long a process stays busy (no quiet check, no collection of ours) before the busy rule may pause it. */
    static final Duration BUSY_PATIENCE = Duration.ofMinutes(5);
    static final long BUSY_CHECKS_BEFORE_RELEASE = BUSY_PATIENCE.dividedBy(CHECK_INTERVAL);
    /** Of one core, over a check interval: the bench's "quiet" (bench/scale waits for less than 5 %). */
    static final double QUIET_CPU_SHARE = 0.05;

    private static final Logger log = LoggerFactory.getLogger(UnusedHeapRelease.class);

    private final @Nullable OldGeneration oldGeneration;
    private final Runnable collect;
    private final LongSupplier processCpuNanos;
    private @Nullable ScheduledExecutorService scheduler;
    private long cpuAtLastCheck;
    /** Checks in a row that found the process busy, since it was last quiet or collected. */
    private long busyChecks;

    public UnusedHeapRelease() {
        this(OldGeneration.serial().orElse(null), System::gc,
                ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class)::getProcessCpuTime);
    }

    UnusedHeapRelease(@Nullable OldGeneration oldGeneration, Runnable collect, LongSupplier processCpuNanos) {
        this.oldGeneration = oldGeneration;
        this.collect = collect;
        this.processCpuNanos = processCpuNanos;
        this.cpuAtLastCheck = processCpuNanos.getAsLong();
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

    /**
     * Collects when the old generation holds much more than after the last full collection (a quiet process: more
     * than a little); true when it did.
     */
    boolean releaseIfGrown(boolean quiet) {
        var generation = oldGeneration;
        if (generation == null) {
            return false;
        }
        var growth = generation.committed() - generation.baseline();
        if (growth < (quiet ? GROWTH_WORTH_RELEASING_WHEN_QUIET : GROWTH_WORTH_RELEASING)) {
            return false;
        }
        collect.run();
        log.debug("old generation had grown by {} MiB since the last full collection{}: collected, now {} MiB committed",
                growth >> 20, quiet ? " (quiet)" : "", generation.committed() >> 20);
        return true;
    }

    /**
     * One check: the quiet rule when the process used (almost) no CPU since the last one; the busy rule once it has
     * been busy for {@link #BUSY_PATIENCE}.
     */
    boolean check() {
        var cpu = processCpuNanos.getAsLong();
        var quiet = cpu - cpuAtLastCheck < QUIET_CPU_SHARE * CHECK_INTERVAL.toNanos();
        cpuAtLastCheck = cpu;
        if (quiet) {
            busyChecks = 0;
            return releaseIfGrown(true);
        }
        if (++busyChecks < BUSY_CHECKS_BEFORE_RELEASE || !releaseIfGrown(false)) {
            return false;
        }
        busyChecks = 0;
        return true;
    }

    private void checkQuietly() {
        try {
            check();
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
        cpuAtLastCheck = processCpuNanos.getAsLong();
        scheduler.scheduleWithFixedDelay(this::checkQuietly, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
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
