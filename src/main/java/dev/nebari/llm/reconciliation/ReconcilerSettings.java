package dev.nebari.llm.reconciliation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tuning of the reconciler (not Helm values; defaults suit hundreds of models on a small control plane).
 *
 * @param workers      models reconciled in parallel
 * @param resyncPeriod how often informers replay every object (an unchanged model costs no write) and the pack's
 *                     key-check route gets a full pass (reads; a write only where it differs)
 * @param retryBase    first retry delay after a failed reconcile, doubled per failure
 * @param retryMax     longest retry delay
 * @param requeueAfter when a model is not Ready yet, look again after this long even without an event
 * @param downloadPollInterval while a model downloads, how often its progress is read (from the downloader's log)
 * @param listenerCheckInterval with {@code platform.gateway.manageSharedListeners}, how often the leader checks the
 *                             shared listeners and their Certificate (reads only, unless something differs)
 * @param routeDrainDelay when a model is deleted, how long its workload keeps running after its routes are removed,
 *                        so the gateway stops routing to it before its pods go (callers get 404 instead of 503)
 */
@ConfigurationProperties("reconciler")
record ReconcilerSettings(
        @DefaultValue("8") int workers,
        @DefaultValue("10m") Duration resyncPeriod,
        @DefaultValue("500ms") Duration retryBase,
        @DefaultValue("5m") Duration retryMax,
        @DefaultValue("30s") Duration requeueAfter,
        @DefaultValue("5s") Duration downloadPollInterval,
        @DefaultValue("30s") Duration listenerCheckInterval,
        @DefaultValue("5s") Duration routeDrainDelay) {
}
