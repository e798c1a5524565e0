package dev.nebari.llm.keys;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs {@link ApiKeys#sweepExpired()} every {@code keys.sweepInterval}. Only one replica should sweep: the leader
 * gate starts and stops this component when leadership changes; it starts on its own only when
 * {@code keys.expirySweep.autoStartup=true} (single-replica installs, tests).
 */
public final class KeyExpirySweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KeyExpirySweeper.class);

    private final ApiKeys keys;
    private final Duration interval;
    private final boolean autoStartup;
    private @Nullable ScheduledExecutorService scheduler;

    public KeyExpirySweeper(ApiKeys keys, Duration interval, boolean autoStartup) {
        this.keys = keys;
        this.interval = interval;
        this.autoStartup = autoStartup;
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("key-expiry-sweep").factory());
        scheduler.scheduleWithFixedDelay(this::sweepOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sweepOnce() {
        try {
            var removed = keys.sweepExpired();
            if (!removed.isEmpty()) {
                log.info("removed {} expired API keys", removed.size());
            }
        } catch (RuntimeException e) {
            // The next run retries; a failed sweep must not end the schedule.
            log.warn("expiry sweep failed: {}", e.getMessage());
        }
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

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }
}
