package dev.nebari.llm.reconciliation;

import dev.nebari.llm.keys.ModelRef;
import dev.nebari.llm.model.Phase;
import dev.nebari.llm.keys.events.KeysChanged;
import dev.nebari.llm.model.ModelIdSharing;
import dev.nebari.llm.platform.LeadershipChanged;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;

/**
 * Runs the reconciler while this replica leads: informers, the work queue and a bounded pool of workers. Losing
 * leadership stops all of it (never the process); gaining it starts a fresh view of the cluster.
 */
public final class ModelController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelController.class);

    private final KubernetesClient client;
    private final ReconcilerSettings settings;
    private final Function<ClusterView, ModelReconciler> reconcilers;
    private final MeterRegistry meters;
    private final String keysNamespace;
    /**
     * Written under this object's lock; volatile so that the gauges and key changes read it without the lock:
     * {@link #start} holds the lock while the caches list everything (tens of seconds at 3,000 models), and neither
     * a metrics scrape nor the key cache may wait for that (bench/scale saw the scrape time out after an operator
     * restart).
     */
    private volatile @Nullable Running running;

    private record Running(ClusterView view, WorkQueue<ModelRef> queue, List<Thread> workers) {
    }

    /** @param keysNamespace the namespace of the key Secrets (and of the ReferenceGrants there) */
    ModelController(KubernetesClient client, ReconcilerSettings settings,
            Function<ClusterView, ModelReconciler> reconcilers, MeterRegistry meters, String keysNamespace) {
        this.client = client;
        this.keysNamespace = keysNamespace;
        this.settings = settings;
        this.reconcilers = reconcilers;
        this.meters = meters;
        for (var phase : Phase.values()) {
            Gauge.builder("nebari.models", this, c -> c.countInPhase(phase))
                    .description("LLMModels by phase").tag("phase", phase.name()).register(meters);
        }
        Gauge.builder("nebari.reconcile.queue.depth", this, ModelController::queueDepth)
                .description("Models waiting to be reconciled").register(meters);
    }

    /**
     * A model's keys changed: its external policy's Secrets and allow-list must follow, and so must those of the
     * revisions that share its id (their policies accept its keys too). No other model's policy mentions them (in
     * shared routing mode the pack's key-check route lists every Secret, see {@link KeyCheckRouteController}).
     */
    @EventListener
    public void onKeysChanged(KeysChanged event) {
        var key = new ModelRef(event.modelNamespace(), event.modelName());
        enqueueGathered(key);
        enqueueRevisionsOf(key);
    }

    /**
     * How long key changes of one model are gathered before its policies follow them. A burst of mints (a class
     * handing out keys, a script) otherwise applies the model's SecurityPolicy once per key, and each apply of that
     * CRD costs the API server its schema and CEL validation: at 10,000 keys that doubled its CPU (bench/scale). A
     * revoked key is refused without waiting (it is gone from its Secret, which Envoy Gateway watches); a new key
     * is let through its model's allow-list at most this much later.
     */
    static final Duration KEY_CHANGES_GATHERED = Duration.ofMillis(500);

    /*
     * Key changes arrive on the key cache's threads, also while start() holds the lock and waits for the caches'
     * first list (tens of seconds at 3,000 models): they must not wait for it. A change before the start has finished
     * needs no pass of its own, because the start reconciles every model.
     */
    private void enqueueGathered(ModelRef key) {
        var running = this.running;
        if (running != null) {
            running.queue().addAfter(key, KEY_CHANGES_GATHERED);
        }
    }

    private void enqueueRevisionsOf(ModelRef key) {
        var running = this.running;
        if (running == null) {
            return;
        }
        running.view().model(key).ifPresent(model -> running.view().competitors(model).stream()
                .filter(other -> ModelIdSharing.revisionsOfOneId(model, other))
                .forEach(other -> running.queue().addAfter(ModelRef.of(other), KEY_CHANGES_GATHERED)));
    }

    synchronized void enqueue(ModelRef key) {
        if (running != null) {
            running.queue().add(key);
        }
    }

    @EventListener
    public void onLeadershipChanged(LeadershipChanged event) {
        event.apply(this::start, this::stop);
    }

    /** True when no model is being reconciled and none is due (delayed re-checks may still be scheduled). */
    synchronized boolean isIdle() {
        return running != null && running.queue().idle();
    }

    public synchronized boolean isRunning() {
        return running != null;
    }

    synchronized void start() {
        if (running != null) {
            return;
        }
        var queue = new WorkQueue<ModelRef>(settings.retryBase(), settings.retryMax(), Clock.systemUTC());
        var view = new ClusterView(client, settings.resyncPeriod(), keysNamespace, queue::add);
        view.start();
        var reconciler = reconcilers.apply(view);
        var workers = new ArrayList<Thread>();
        for (int i = 0; i < settings.workers(); i++) {
            workers.add(Thread.ofVirtual().name("reconciler-", i).start(() -> work(queue, reconciler)));
        }
        running = new Running(view, queue, workers);
        log.info("Reconciler started with {} workers; {} models known", settings.workers(), view.allModels().size());
    }

    synchronized void stop() {
        var current = running;
        if (current == null) {
            return;
        }
        running = null;
        current.queue().shutDown();
        current.workers().forEach(Thread::interrupt);
        current.view().close();
        log.info("Reconciler stopped");
    }

    /** Queues every known model, as an informer resync would. */
    synchronized void resyncAll() {
        if (running != null) {
            running.view().allModels().forEach(running.queue()::add);
        }
    }

    private void work(WorkQueue<ModelRef> queue, ModelReconciler reconciler) {
        while (true) {
            ModelRef key;
            try {
                var next = queue.take();
                if (next.isEmpty()) {
                    return;
                }
                key = next.get();
            } catch (InterruptedException e) {
                return;
            }
            var sample = Timer.start(meters);
            var result = "error";
            try {
                var outcome = reconciler.reconcile(key);
                result = outcome.name().toLowerCase();
                queue.forget(key);
                if (outcome == ModelReconciler.Outcome.NOT_READY) {
                    queue.addAfter(key, settings.requeueAfter());
                } else if (outcome == ModelReconciler.Outcome.DOWNLOADING) {
                    queue.addAfter(key, settings.downloadPollInterval());
                } else if (outcome == ModelReconciler.Outcome.DRAINING) {
                    queue.addAfter(key, settings.routeDrainDelay());
                }
            } catch (RuntimeException e) {
                var delay = queue.retryLater(key);
                log.warn("reconcile of {} failed, retrying in {}: {}", key, delay, e.getMessage());
                log.debug("reconcile failure", e);
            } finally {
                queue.done(key);
                sample.stop(Timer.builder("nebari.reconcile").description("Reconcile passes by result")
                        .tag("result", result).register(meters));
            }
        }
    }

    private double countInPhase(Phase phase) {
        var running = this.running;
        if (running == null) {
            return 0;
        }
        return running.view().allModelObjects().stream()
                .filter(m -> m.getStatus() != null && m.getStatus().phase() == phase).count();
    }

    private double queueDepth() {
        var running = this.running;
        return running == null ? 0 : running.queue().depth();
    }

    @Override
    public void close() {
        stop();
    }
}
