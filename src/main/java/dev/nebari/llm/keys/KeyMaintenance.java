package dev.nebari.llm.keys;

import dev.nebari.llm.model.LLMModel;
import dev.nebari.llm.model.PassthroughModel;
import dev.nebari.llm.platform.ChangeHandler;
import dev.nebari.llm.platform.LeadershipChanged;
import dev.nebari.llm.platform.LeanItemStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;

/**
 * Work on keys that only the leader does: the expiry sweep, and revoking keys whose owners a model's access no
 * longer admits. The access check is level-triggered (every model event and resync compares the keys with the
 * model's current access), so a change made while no replica led is still caught.
 */
public final class KeyMaintenance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeyMaintenance.class);

    private final ApiKeys keys;
    private final KeyExpirySweeper sweeper;
    private final KubernetesClient client;
    private final Duration resync;
    private @Nullable SharedIndexInformer<LLMModel> models;
    private @Nullable SharedIndexInformer<PassthroughModel> providers;

    public KeyMaintenance(ApiKeys keys, KeyExpirySweeper sweeper, KubernetesClient client, Duration resync) {
        this.keys = keys;
        this.sweeper = sweeper;
        this.client = client;
        this.resync = resync;
    }

    @EventListener
    public void onLeadershipChanged(LeadershipChanged event) {
        event.apply(this::start, this::stop);
    }

    synchronized void start() {
        sweeper.start();
        if (models == null) {
            // Keys of a deleted model stay until revoked: a GitOps re-sync may re-create the model.
            // Only spec.access is read: the cache keeps the models without their managed fields.
            var informer = client.resources(LLMModel.class).inAnyNamespace().runnableInformer(resync.toMillis());
            informer.itemStore(LeanItemStore.withoutManagedFields());
            informer.addEventHandler(ChangeHandler.whilePresent(this::enforceAccess));
            informer.run();
            models = informer;
        }
        if (providers == null && providersServed()) {
            // Keys for external providers follow their access the same way.
            var informer = client.resources(PassthroughModel.class).inAnyNamespace().runnableInformer(resync.toMillis());
            informer.itemStore(LeanItemStore.withoutManagedFields());
            informer.addEventHandler(ChangeHandler.whilePresent(provider -> {
                if (provider.getSpec() != null && provider.getMetadata().getDeletionTimestamp() == null) {
                    enforceAccess(new ModelRef(provider.getMetadata().getNamespace(), provider.getMetadata().getName()),
                            provider.getSpec().access());
                }
            }));
            informer.run();
            providers = informer;
        }
    }

    /** False on a cluster without the PassthroughModel CRD (a chart upgrade whose CRDs were not applied yet). */
    private boolean providersServed() {
        var served = dev.nebari.llm.platform.ServedKinds.served(client, PassthroughModel.class);
        if (!served) {
            log.warn("No {} CRD: access changes of external providers do not revoke keys until it is applied",
                    PassthroughModel.CRD_NAME);
        }
        return served;
    }

    synchronized void stop() {
        sweeper.stop();
        if (models != null) {
            models.stop();
            models = null;
        }
        if (providers != null) {
            providers.stop();
            providers = null;
        }
    }

    private void enforceAccess(LLMModel model) {
        if (model.getSpec() == null || model.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        enforceAccess(new ModelRef(model.getMetadata().getNamespace(), model.getMetadata().getName()), model.getSpec().access());
    }

    private void enforceAccess(ModelRef ref, dev.nebari.llm.model.AccessSpec access) {
        try {
            var revoked = keys.revokeNoLongerGranted(ref, access);
            if (!revoked.isEmpty()) {
                log.info("{}: revoked {} keys whose owners the model's access no longer admits", ref, revoked.size());
            }
        } catch (RuntimeException e) {
            // retried on the next event or resync
            log.warn("{}: revoking keys after an access change failed: {}", ref, e.getMessage());
        }
    }

    @Override
    public void close() {
        stop();
    }
}
