package dev.nebari.llm.reconciliation;

import dev.nebari.llm.keys.events.KeysChanged;
import dev.nebari.llm.platform.LeadershipChanged;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;

/**
 * Runs {@link KeyCheckRouteSync} while this replica leads: a full pass at once, every {@code fullPassInterval} (it
 * puts back a hand-edited or deleted route or policy) and after a failure; a light pass after every change of the key
 * Secrets (a burst of changes costs one pass; it writes only when a Secret appeared or went).
 */
public final class KeyCheckRouteController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeyCheckRouteController.class);
    static final Duration RETRY = Duration.ofSeconds(10);

    private final KeyCheckRouteSync sync;
    private final Duration fullPassInterval;
    private final AtomicBoolean pending = new AtomicBoolean();
    /** Whether the next pass must be a full one. */
    private final AtomicBoolean full = new AtomicBoolean();
    private @Nullable ScheduledExecutorService executor;

    KeyCheckRouteController(KeyCheckRouteSync sync, Duration fullPassInterval) {
        this.sync = sync;
        this.fullPassInterval = fullPassInterval;
    }

    @EventListener
    public void onLeadershipChanged(LeadershipChanged event) {
        event.apply(this::start, this::stop);
    }

    /** A Secret may have appeared or gone: the route's policy must list exactly the Secrets there are. */
    @EventListener
    public void onKeysChanged(KeysChanged event) {
        request(false);
    }

    synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("key-check-route").factory());
        request(true);
        executor.scheduleWithFixedDelay(() -> request(true), fullPassInterval.toMillis(), fullPassInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        var current = executor;
        if (current != null) {
            current.shutdownNow();
            executor = null;
            pending.set(false);
        }
    }

    /** Schedules a pass unless one is already waiting to run (it will see this change too, and be full if asked). */
    private synchronized void request(boolean fullPass) {
        if (fullPass) {
            full.set(true);
        }
        if (executor != null && pending.compareAndSet(false, true)) {
            executor.execute(this::runOnce);
        }
    }

    private void runOnce() {
        pending.set(false);
        boolean done;
        try {
            sync.run(full.getAndSet(false));
            done = sync.problem() == null;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // leadership ended mid-pass
            }
            log.warn("API-key check route pass failed; retrying in {}: {}", RETRY, e.toString());
            done = false;
        }
        if (!done) {
            synchronized (this) {
                full.set(true);
                if (executor != null && pending.compareAndSet(false, true)) {
                    executor.schedule(this::runOnce, RETRY.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
