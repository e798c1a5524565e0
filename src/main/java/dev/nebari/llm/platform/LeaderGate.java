package dev.nebari.llm.platform;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Runs leader election for as long as the application runs. Unlike the usual operator default, losing the Lease
 * does not exit the JVM: it publishes {@link LeadershipChanged} (false) and campaigns again, so the same replica
 * can lead later.
 *
 * <p>Listeners are told on a thread of their own, never on the elector's: fabric8's elector (7.x/8.x) calls back
 * from inside its acquire loop and starts renewing only when the callback returns, so a listener that takes
 * longer than the lease to start (the reconciler waits for its informers to sync) would lose the Lease while it
 * starts and leave two replicas reconciling. The notification thread publishes the current state, not each
 * transition, so a gain and loss that happen while a listener is still busy collapse into what is true now.
 */
public class LeaderGate implements SmartLifecycle, io.micrometer.core.instrument.binder.MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(LeaderGate.class);

    private final KubernetesClient client;
    private final LeaderElectionSettings settings;
    private final ApplicationEventPublisher events;
    private final String identity;
    private final String namespace;
    private final String leaseName;
    private final AtomicBoolean leader = new AtomicBoolean();
    private volatile boolean running;
    private volatile @Nullable CompletableFuture<?> election;
    private volatile @Nullable ExecutorService notifications;
    /** The state listeners were last told; touched only on the notification thread. */
    private boolean published;

    /**
     * @param leaseName which Lease to campaign for (operator replicas and portal-only replicas lead separately)
     */
    public LeaderGate(KubernetesClient client, LeaderElectionSettings settings, String leaseName,
            ApplicationEventPublisher events) {
        this.client = client;
        this.leaseName = leaseName;
        this.settings = settings;
        this.events = events;
        this.identity = settings.identity() != null ? settings.identity() : defaultIdentity();
        this.namespace = settings.namespace() != null ? settings.namespace() : PodNamespace.current();
    }

    public boolean isLeader() {
        return leader.get();
    }

    /** {@code nebari_leader{lease}}: 1 while this replica leads its Lease. */
    @Override
    public void bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.Gauge.builder("nebari.leader", leader, held -> held.get() ? 1 : 0)
                .description("1 while this replica holds its leader-election Lease").tag("lease", leaseName)
                .register(registry);
    }

    public String identity() {
        return identity;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        notifications = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("leader-notifications").factory());
        if (!settings.enabled()) {
            becomeLeader();
            return;
        }
        campaign();
    }

    private synchronized void campaign() {
        if (!running) {
            return;
        }
        var config = new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::becomeLeader, this::stopLeading,
                        newLeader -> log.info("Leader of {}/{} is now {}", namespace, leaseName, newLeader)))
                .build();
        var elector = new LeaderElectorBuilder(client, Executors.newVirtualThreadPerTaskExecutor())
                .withConfig(config).build();
        var future = elector.start();
        election = future;
        // The elector finishes when leadership is lost (or the renewals fail); campaign again unless stopping.
        future.whenComplete((ignored, error) -> {
            stopLeading();
            if (running) {
                campaign();
            }
        });
    }

    private void becomeLeader() {
        if (leader.compareAndSet(false, true)) {
            log.info("{} leads {}/{}", identity, namespace, leaseName);
            notifyListeners();
        }
    }

    private void stopLeading() {
        if (leader.compareAndSet(true, false)) {
            log.info("{} stopped leading {}/{}", identity, namespace, leaseName);
            notifyListeners();
        }
    }

    /**
     * Not synchronized: the elector calls this while holding its own lock, and {@link #stop()} holds this gate's
     * lock while it cancels the elector, which takes the elector's lock.
     */
    private void notifyListeners() {
        var executor = notifications;
        if (executor == null) {
            return;
        }
        try {
            executor.execute(this::publishCurrentState);
        } catch (RejectedExecutionException stopping) {
            // stop() already queued the final state
        }
    }

    private void publishCurrentState() {
        var now = leader.get();
        if (now != published) {
            published = now;
            events.publishEvent(new LeadershipChanged(now, identity));
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        var current = election;
        if (current != null) {
            current.cancel(true);
        }
        stopLeading();
        // Listeners have stopped (the reconciler among them) before the application goes on shutting down.
        var executor = notifications;
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    log.warn("Leadership listeners of {} did not stop within 30 s", identity);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Not started with the context: {@link LeaderElectionConfiguration} starts the campaign once the application is
     * ready. A leader's first act is to list and watch everything it manages (the reconciler's informers), CPU that a
     * starting replica needs for itself, and nothing readiness waits for needs leadership. bench/startup measured
     * the difference: a combined replica that led at once was ready about 1 s later than one starting as a standby.
     * Still a lifecycle bean, so that the context stops it (and releases the Lease) on shutdown.
     */
    @Override
    public boolean isAutoStartup() {
        return false;
    }

    /** Start late and stop early, so that listeners (reconciler, sweeper) are ready before leadership arrives. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    private static String defaultIdentity() {
        var host = System.getenv("HOSTNAME");
        var base = host != null && !host.isBlank() ? host : "nebari-llm-serving";
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
