package dev.nebari.llm.platform;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
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
        running = true;
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
            events.publishEvent(new LeadershipChanged(true, identity));
        }
    }

    private void stopLeading() {
        if (leader.compareAndSet(true, false)) {
            log.info("{} stopped leading {}/{}", identity, namespace, leaseName);
            events.publishEvent(new LeadershipChanged(false, identity));
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
    }

    @Override
    public boolean isRunning() {
        return running;
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
