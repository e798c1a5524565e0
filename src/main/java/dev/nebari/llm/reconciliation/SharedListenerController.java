package dev.nebari.llm.reconciliation;

import dev.nebari.llm.platform.LeadershipChanged;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;

/**
 * Runs {@link SharedListenerSync} while this replica leads: at once, then every {@code interval} while the pack
 * manages the listeners (so a Gateway or CRD that appears later, or a listener someone removed, is put right);
 * once per leadership when it does not (to take back what an earlier configuration added).
 */
public final class SharedListenerController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedListenerController.class);

    private final SharedListenerSync sync;
    private final Duration interval;
    private @Nullable ScheduledExecutorService schedule;

    SharedListenerController(SharedListenerSync sync, Duration interval) {
        this.sync = sync;
        this.interval = interval;
    }

    @EventListener
    public void onLeadershipChanged(LeadershipChanged event) {
        event.apply(this::start, this::stop);
    }

    synchronized void start() {
        if (schedule != null) {
            return;
        }
        var executor = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("shared-listeners").factory());
        if (sync.manages()) {
            executor.scheduleWithFixedDelay(this::runLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            executor.execute(this::runLogged);
        }
        schedule = executor;
    }

    synchronized void stop() {
        var current = schedule;
        if (current != null) {
            current.shutdownNow();
            schedule = null;
        }
    }

    private void runLogged() {
        try {
            sync.run();
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                log.debug("Shared listener check stopped with leadership: {}", e.toString());
            } else {
                log.warn("Shared listener check failed; retrying in {}: {}", interval, e.toString());
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
